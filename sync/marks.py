"""Head office's high-water marks for a till restored from a backup: read them before anything.

A restored till starts a new epoch that waits for the marks (warranty_desk.services.epochs):
the first step of every sync cycle reads them from the portal (getBranchMarks) and applies
them, and until that has happened the cycle sends and pulls nothing. `warranty-desk restore`
tries it at once, so a till that is online never waits.
"""

from __future__ import annotations

from typing import Any

from sync.contract import TransientError
from sync.destinations import wire
from sync.http import HttpClient, reason_of
from sync.portal import raise_if_transient
from warranty_desk.config import SyncSettings
from warranty_desk.errors import BadInput
from warranty_desk.sentences import sentences
from warranty_desk.services import epochs
from warranty_desk.services.epochs import HeadOfficeMarks, MarksApplied
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

# Said with every failure to read the marks, so the person knows why nothing else happened.
WAITS = ("this till was restored from a backup and sends nothing, and issues no new numbers, "
         "until it has read from head office which numbers it already holds")


def _numbers(raw: object) -> tuple[tuple[str, int, int], ...] | None:
    if not isinstance(raw, list):
        return None
    found = []
    for mark in raw:
        if not isinstance(mark, dict):
            return None
        kind, year, last = mark.get("kind"), mark.get("year"), mark.get("last")
        if not (isinstance(kind, str) and 1 <= len(kind) <= 4 and isinstance(year, int)
                and isinstance(last, int) and year >= 0 and last >= 0):
            return None
        found.append((kind, year, last))
    return tuple(found)


def parse_marks(body: Any, who: str = "The portal") -> HeadOfficeMarks:
    """The marks from getBranchMarks' JSON; anything else is refused whole, in plain words."""
    seq = body.get("seq") if isinstance(body, dict) else None
    numbers = _numbers(body.get("numbers")) if isinstance(body, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or numbers is None:
        raise BadInput(sentences(f"{who} sent high-water marks Warranty Desk cannot read (it "
                                 f"needs seq and numbers); {WAITS}",
                                 "Tell head office if this stays."))
    return HeadOfficeMarks(seq, numbers)


def read_marks(client: HttpClient, branch: str) -> HeadOfficeMarks:
    """GET /branches/{branch}/marks; TransientError or BadInput, each saying why it matters."""
    try:
        response = client.request("GET", f"/branches/{branch}/marks")
        raise_if_transient(response, client.who)
    except TransientError as exc:
        raise TransientError(f"{str(exc).rstrip('.')}; {WAITS}", retry_after=exc.retry_after,
                             answered=exc.answered, status=exc.status) from None
    if response.status_code != 200:
        raise BadInput(sentences(f"{client.who.capitalize()} refused to say which numbers it "
                                 f"holds for branch {branch}: {reason_of(response)}; {WAITS}",
                                 "Tell head office."))
    try:
        body = response.json()
    except ValueError:
        body = None
    return parse_marks(body, client.who.capitalize())


def catch_up(db: Database, client: HttpClient, branch: str) -> MarksApplied | None:
    """Read and apply the marks when the current epoch waits for them; None when it does not."""
    if not epochs.current(db).marks_needed:
        return None
    return epochs.apply_marks(db, read_marks(client, branch))


def applied_words(applied: MarksApplied) -> str:
    """One plain line on what applying the marks changed."""
    raised = ", ".join(f"{kind}{'' if year == 0 else f'-{year}'} {was}→{now}"
                       for kind, year, was, now in applied.raised)
    return (f"Head office's high-water marks are applied: records continue at sequence number "
            f"{applied.first_seq:,}" + (f", and number counters rose ({raised})" if raised else
                                        ", and no number counter had to rise") + ".")


def after_restore(home: Home, db: Database, settings: SyncSettings) -> str:
    """Read the marks right after a restore; a plain line on what happened either way."""
    try:
        wiring = wire(home, settings, db.clock)
    except BadInput as exc:
        return sentences(f"The sync settings cannot be used yet ({str(exc).rstrip('.')}); "
                         f"{WAITS}",
                         "Fix them, then run `warranty-desk sync`.")
    try:
        applied = catch_up(db, wiring.portal.client, wiring.branch)
    except (TransientError, BadInput) as exc:
        return sentences(f"Head office's marks could not be read: {exc}",
                         "Run `warranty-desk sync` once the portal can be reached.")
    finally:
        wiring.close()
    return applied_words(applied) if applied is not None else "No marks were needed."
