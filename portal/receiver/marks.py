"""A branch's high-water marks: raised by every push, read by a till restored from a backup.

Head office keeps, per branch, the highest event seq it stores and the highest counter of each
kind and year of people-facing number the pushes reported (a till sends its counters with
every push, so they cover every number in the events it sent). A till restored from an older
backup reads them before it sends anything or issues a number, and carries on above them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from portal.branches.models import Branch, NumberMark


@dataclass(frozen=True, slots=True)
class Marks:
    """What a push says beside its events: the till's epoch and its number counters."""

    epoch: uuid.UUID | None = None
    numbers: tuple[tuple[str, int, int], ...] = ()  # (kind, year, last)

    @classmethod
    def of(cls, body: dict[str, Any]) -> Marks:
        """From a push's body, already checked against the contract."""
        epoch = body.get("epoch")
        return cls(uuid.UUID(epoch) if epoch else None,
                   tuple((m["kind"], int(m["year"]), int(m["last"]))
                         for m in body.get("numbers") or ()))


_NUMBERS = """
INSERT INTO branches_numbermark (branch_id, kind, year, last)
SELECT %(branch)s, m.kind, m.year, max(m.last)
FROM unnest(%(kinds)s::text[], %(years)s::int[], %(lasts)s::bigint[]) AS m(kind, year, last)
GROUP BY m.kind, m.year
ON CONFLICT (branch_id, kind, year)
DO UPDATE SET last = GREATEST(branches_numbermark.last, EXCLUDED.last)
"""


def raise_marks(cursor: Any, branch_id: int, seq: int, marks: Marks) -> None:
    """Raise the branch's marks inside the push's transaction (the branch row is locked)."""
    cursor.execute("UPDATE branches_branch SET highest_seq = GREATEST(highest_seq, %s), "
                   "epoch = COALESCE(%s, epoch) WHERE id = %s", [seq, marks.epoch, branch_id])
    if marks.numbers:
        kinds, years, lasts = zip(*marks.numbers, strict=True)
        cursor.execute(_NUMBERS, {"branch": branch_id, "kinds": list(kinds),
                                  "years": list(years), "lasts": list(lasts)})


@dataclass(frozen=True, slots=True)
class BranchMarks:
    """What head office has seen from a branch: the getBranchMarks answer."""

    branch: str
    epoch: uuid.UUID | None
    seq: int
    numbers: tuple[tuple[str, int, int], ...]


def marks_of(branch: Branch) -> BranchMarks:
    """The branch's high-water marks as they stand (committed pushes only)."""
    row = Branch.objects.values("highest_seq", "epoch").get(pk=branch.pk)
    numbers = tuple(NumberMark.objects.filter(branch_id=branch.pk).order_by("kind", "year")
                    .values_list("kind", "year", "last"))
    return BranchMarks(branch.code, row["epoch"], int(row["highest_seq"]), numbers)
