"""Settings profiles: `production` (the default of the command line) and `dev` (tests, make run)."""
