"""The parts of the counter: its actions on the unit shown, and the list of several matches."""
