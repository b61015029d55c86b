"""CRM connectors behind the Destination contract: a signed webhook and Tryton over JSON-RPC."""
