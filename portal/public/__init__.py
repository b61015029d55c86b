"""Public pages: the warranty check page a slip's QR code opens."""
