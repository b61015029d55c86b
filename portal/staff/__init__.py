"""Head-office staff: who may sign in to the portal, and in which role."""
