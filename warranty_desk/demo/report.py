"""What a demo build or a generator run added, as the command line prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What a demo build or a generator run added, and a few serials worth looking up."""

    created: bool
    staff: tuple[tuple[str, str, str], ...]
    sales: int
    warranties: int
    claims: int
    sample_serials: tuple[str, ...]
    # The verdict each sample serial gives on the day the demo was built, in the same order.
    sample_verdicts: tuple[str, ...] = ()
    customers: int = 0
    message: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready values."""
        return {
            "created": self.created,
            "staff": [{"name": n, "role": r, "pin": p} for n, r, p in self.staff],
            "sales": self.sales, "warranties": self.warranties, "claims": self.claims,
            "customers": self.customers,
            "samples": [{"serial": s, "verdict": v}
                        for s, v in zip(self.sample_serials, self.sample_verdicts, strict=False)],
            "sample_serials": list(self.sample_serials),
            "message": self.message,
        }
