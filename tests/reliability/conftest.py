"""The UI fixtures of tests/ui (the demo shop's window) for the reliability tests that drive it
(the run's reliability figures are printed by tests/reliability/figures.py, a plugin)."""

from tests.ui.conftest import demo_home, demo_template, no_keyring, window

__all__ = ["demo_home", "demo_template", "no_keyring", "window"]
