"""Parts of the brand claims screen."""
