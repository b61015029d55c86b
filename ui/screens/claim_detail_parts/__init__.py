"""The parts of the claim screen: facts, decision bar, actions, and the tabs of its records."""
