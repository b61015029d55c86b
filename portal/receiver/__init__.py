"""The sync receiver: stores what tills push (events, documents, nightly reports) and enqueues."""
