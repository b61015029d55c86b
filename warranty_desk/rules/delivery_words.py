"""The one wording of a cover that starts on delivery, for the till, its papers and the portal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from warranty_desk.rules.coverage import LayerSpan, term_months

_WHO = {"manufacturer": "manufacturer's", "shop": "shop's", "extension": "extended"}


def cover_on_delivery(planned: Sequence[LayerSpan], delivered_on: date | None = None) -> str:
    """Registered and waiting for delivery (the terms, no dates: none is known yet), or when
    the cover started."""
    if delivered_on is not None:
        return f"Registered, cover started on delivery, {delivered_on.isoformat()}."
    terms = [f"{term_months(span)} months {_WHO[span.kind.value]} warranty" for span in planned]
    return ("Registered, cover starts on delivery: "
            + (", then ".join(terms) + " from the day the order arrives." if terms
               else "the order has not arrived yet."))
