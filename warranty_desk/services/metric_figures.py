"""The owner's figures, as the till's services and screens name them: the pure definitions live
in rules.metrics.figures, which head office's metric pages call too."""

from warranty_desk.rules.metrics.figures import (
    CLAIM,
    COUNT,
    DAYS,
    MONEY,
    PERCENT,
    WARRANTY,
    Figure,
    check_field,
    compare,
    definition,
    figures,
    narrow,
    split,
    values_of,
    weekly,
)

__all__ = ["CLAIM", "COUNT", "DAYS", "MONEY", "PERCENT", "WARRANTY", "Figure", "check_field",
           "compare", "definition", "figures", "narrow", "split", "values_of", "weekly"]
