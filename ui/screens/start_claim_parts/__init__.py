"""The parts of the start-claim screen: its two forms, the evidence checklist and the result."""
