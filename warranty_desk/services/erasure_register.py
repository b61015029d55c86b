"""The erasure register: which customers were erased, by reference only, kept beside the database.

A backup made before an erasure still holds the customer's data. The register lives in the home
folder, outside the database file a restore replaces, and names no one (a reference and its
pseudonym): after a restore every erasure it lists is applied again (`reapply`), so an older
backup never brings an erased customer back.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.models import Customer
from warranty_desk.storage.private import private_file

FILE_NAME = "erasures.jsonl"
# Present while an erasure's VACUUM could not finish (another connection held the file): the
# nightly compaction then runs whatever the share of free pages, and removes it when done.
UNCOMPACTED = "erasures.uncompacted"


@dataclass(frozen=True, slots=True)
class Erased:
    """One line of the register."""

    reference: str
    pseudonym: str
    at: str


def path_of(database: Path) -> Path:
    """The register beside a database file (the home folder)."""
    return database.with_name(FILE_NAME)


def add(path: Path, reference: str, alias: str, at: datetime) -> None:
    """Append one erasure, flushed to disk before the erasure is reported done."""
    private_file(path)
    line = json.dumps({"reference": reference, "pseudonym": alias, "at": at.isoformat()})
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read(path: Path) -> list[Erased]:
    """Every erasure the register lists (a torn last line, from a crash mid-write, is skipped:
    its erasure committed, and the restore's own pass over the customers finds it)."""
    if not path.exists():
        return []
    found: list[Erased] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            said = json.loads(line)
            found.append(Erased(str(said["reference"]), str(said["pseudonym"]), str(said["at"])))
        except (ValueError, KeyError, TypeError):
            continue
    return found


def still_named(session: Session, erased: list[Erased]) -> list[Erased]:
    """The register's erasures whose customer still carries personal data in this database."""
    named = []
    for item in erased:
        customer = session.scalars(select(Customer).where(
            Customer.reference == item.reference)).first()
        if customer is not None and (customer.name != item.pseudonym or customer.phone
                                     or customer.email):
            named.append(item)
    return named


def owe_compaction(database: Path) -> None:
    """Note that the file still holds erased words in free pages or its WAL."""
    private_file(database.with_name(UNCOMPACTED))


def compaction_owed(database: Path) -> bool:
    """Whether an erasure is waiting for the file to be rewritten."""
    return database.with_name(UNCOMPACTED).exists()


def compaction_paid(database: Path) -> None:
    """The file was rewritten and its WAL emptied since the last erasure."""
    database.with_name(UNCOMPACTED).unlink(missing_ok=True)
