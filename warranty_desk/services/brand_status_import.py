"""A service centre's status file: every row names a brand claim and its new status, in the
centre's own columns and words; all rows apply or none, and every bad row is listed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import NotFound
from warranty_desk.models import BrandClaim, ImportBatch
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.brand_status import BRAND_STATUSES
from warranty_desk.services.brand_claim_views import find
from warranty_desk.services.brand_claims import MAX_NOTE, apply_status
from warranty_desk.services.brand_packet import PacketProfile, profile, profile_names
from warranty_desk.services.imports import read_file as read_import
from warranty_desk.services.imports.report import ImportRejected
from warranty_desk.services.imports.table import Table, open_table
from warranty_desk.services.sale_input import Problem
from warranty_desk.services.shop_time import shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, writes

# How an import batch names a status file (invoice files name their POS format).
FORMAT = "brand_status"


@dataclass(frozen=True, slots=True)
class StatusImport:
    """What a status file changed."""

    file_name: str
    profile: str
    rows: int
    changed: int
    unchanged: int
    brand_claims: tuple[str, ...]
    imported_on: date | None = None  # set when this very file was imported before

    def summary(self) -> str:
        """One plain sentence for the person who imported the file."""
        if self.imported_on is not None:
            return (f"{self.file_name} was already imported on {self.imported_on}; nothing "
                    "was changed.")
        return (f"Imported {self.file_name} ({self.profile} layout): {self.rows} rows, "
                f"{self.changed} statuses changed on {len(self.brand_claims)} brand claims, "
                f"{self.unchanged} already as the file says.")


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    brand_claim: BrandClaim
    status: str
    note: str


def _layout(table: Table, wanted: str | None) -> PacketProfile:
    if wanted:
        return profile(wanted)
    for key in (*profile_names()[1:], profile_names()[0]):
        found = profile(key)
        if {found.reference_column.lower(), found.status_column.lower()} <= set(table.columns):
            return found
    layouts = "; ".join(f"{profile(k).name}: {profile(k).reference_column!r} and "
                        f"{profile(k).status_column!r}" for k in profile_names())
    raise ImportRejected("the file", [Problem(
        table.header_row, "header", "The header names no brand claim and status columns this "
        f"till knows. Layouts: {layouts}.")])


def _status(raw: str, layout: PacketProfile) -> str | None:
    word = raw.strip().lower()
    if word in layout.status_words:
        return layout.status_words[word]
    key = word.replace(" ", "_")
    return key if key in BRAND_STATUSES else None


def _rows(session: Session, actor: Actor, table: Table, layout: PacketProfile
          ) -> tuple[list[_Row], list[Problem]]:
    ref_key, status_key = layout.reference_column.lower(), layout.status_column.lower()
    note_key = layout.note_column.lower()
    words = sorted({*layout.status_words, *BRAND_STATUSES})
    found: list[_Row] = []
    problems: list[Problem] = []
    for number, cells in table.rows:
        ref, raw_status = cells.get(ref_key, ""), cells.get(status_key, "")
        note = cells.get(note_key, "") if note_key else ""
        if not ref:
            problems.append(Problem(number, table.name(ref_key),
                                    "No brand claim: give the shop's brand claim number or the "
                                    "brand's claim id."))
            continue
        try:
            row = find(session, ref, actor)
        except NotFound:
            problems.append(Problem(number, table.name(ref_key),
                                    f"No brand claim {ref} at this shop. Check the reference."))
            continue
        status = _status(raw_status, layout)
        if status is None:
            problems.append(Problem(number, table.name(status_key),
                                    f"{raw_status!r} is no status this till knows. Use one of: "
                                    f"{', '.join(words)}." if raw_status else
                                    "No status: say where the brand has the claim."))
            continue
        if len(note) > MAX_NOTE:
            problems.append(Problem(number, table.name(note_key),
                                    f"The note is {len(note):,} characters; keep it under "
                                    f"{MAX_NOTE:,}."))
            continue
        found.append(_Row(number, row, status, note))
    return found, problems


def import_statuses_in(uow: UnitOfWork, actor: Actor, path: Path, *,
                       layout: str | None = None) -> StatusImport:
    """Apply a service centre's status file, all rows or none (ImportRejected lists them)."""
    require(actor, Permission.UPDATE_BRAND_STATUS)
    # The imports' own reader: refused in plain words, and a huge file is not read whole.
    data = read_import(path)
    table, problems = open_table(data, ())
    if table is None:
        raise ImportRejected(path.name, problems)
    try:
        chosen = _layout(table, layout)
    except ImportRejected as exc:
        raise ImportRejected(path.name, exc.problems) from None
    missing = [name for name in (chosen.reference_column, chosen.status_column)
               if name.lower() not in table.columns]
    if missing:
        raise ImportRejected(path.name, [Problem(
            table.header_row, name, f"The column {name!r} is missing: the {chosen.name} layout "
            f"reads {chosen.reference_column!r} and {chosen.status_column!r}.")
            for name in missing])
    session = uow.session
    digest = hashlib.sha256(data).hexdigest()
    earlier = session.scalars(select(ImportBatch).where(ImportBatch.file_sha256 == digest)
                              ).first()
    if earlier is not None:
        # The same file again would walk each brand claim back through the file's statuses.
        return StatusImport(path.name, chosen.name, 0, 0, 0, (),
                            earlier.imported_at.astimezone(shop_zone(session)).date())
    rows, problems = _rows(session, actor, table, chosen)
    if problems:
        raise ImportRejected(path.name, problems)
    session.add(ImportBatch(file_sha256=digest, file_name=path.name[:300], format=FORMAT,
                            rows=len(rows), imported_by_id=actor.staff_id))
    changed = 0
    for row in rows:
        changed += apply_status(session, actor, row.brand_claim, row.status, source="csv",
                                origin=f"{path.name} row {row.number}", note=row.note)
    touched = tuple(dict.fromkeys(r.brand_claim.number or r.brand_claim.external_id
                                  for r in rows))
    return StatusImport(path.name, chosen.name, len(rows), changed, len(rows) - changed, touched)


import_statuses = writes(import_statuses_in)

