"""What is in a supplier batch, unit by unit, for the Mark back dialog (no Qt: runs off-thread).

The returns service lists a batch by claim number only, and units sent away have left returns
stock; the claims board's search finds each claim's product and serial instead. A service
function (`returns.batch_units`) would do this in one query.
"""

from __future__ import annotations

from ui.widgets.mark_back_dialog import BackUnit
from warranty_desk.permissions import Actor
from warranty_desk.services.board import BoardFilters, board
from warranty_desk.services.returns import BatchView
from warranty_desk.storage.database import Database


def batch_units(db: Database, actor: Actor, batch: BatchView) -> tuple[BackUnit, ...]:
    """Each claim of the batch with its product and serial, in the batch's order."""
    units = []
    for number in batch.claim_numbers:
        rows = board(db, actor, BoardFilters(search=number)).rows
        row = next((r for r in rows if r.number == number), None)
        units.append(BackUnit(number, row.product if row else "unknown product",
                              row.serial if row else None))
    return tuple(units)
