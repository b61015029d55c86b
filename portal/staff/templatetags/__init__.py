"""Template filters of the staff pages."""
