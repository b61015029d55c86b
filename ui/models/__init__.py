"""Qt item models the screens share: records in, rows and columns out."""
