"""What staff and customers read, built from the stored events by the projection worker."""
