"""The steps of the first-run setup, one page each."""
