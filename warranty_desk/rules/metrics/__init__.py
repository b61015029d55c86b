"""The owner's metrics: one pure function per figure, rows in and figures out (till and portal)."""
