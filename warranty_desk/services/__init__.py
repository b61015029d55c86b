"""Use cases: each checks the actor's permission, then commits change, audit and outbox together."""
