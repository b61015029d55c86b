"""The parts of the returns desk: its confirmation banner, its tables and the batch lookup."""
