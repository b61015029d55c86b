"""Web shop orders: Shopify and WooCommerce webhooks that become warranties at a branch."""
