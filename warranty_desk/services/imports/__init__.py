"""Importing POS invoice files: all rows or none, each file once, every bad row named."""

from __future__ import annotations

import gc
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import BadInput
from warranty_desk.ids import uuid7
from warranty_desk.models import ImportBatch, Product
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.sentences import sentences
from warranty_desk.services import audit
from warranty_desk.services.imports import limits, native, shopify, square
from warranty_desk.services.imports.detect import (
    EXPECTED,
    FORMATS,
    NATIVE_CSV,
    NATIVE_JSON,
    SHOPIFY,
    SQUARE,
    detect,
    header_of,
)
from warranty_desk.services.imports.parsed import Parsed
from warranty_desk.services.imports.report import ImportRejected, ImportReport
from warranty_desk.services.imports.table import readable_text
from warranty_desk.services.sale_input import Problem
from warranty_desk.services.sale_plan import Plan
from warranty_desk.services.sale_planning import plan_sales
from warranty_desk.services.sale_refunds import void_refunded
from warranty_desk.services.sale_rows import apply_plan
from warranty_desk.services.shop_locale import money_at
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.storage.database import Database

__all__ = ["FORMATS", "ImportRejected", "ImportReport", "import_invoices"]

# Each reads the file's bytes and amounts in the shop's currency.
PARSERS: dict[str, Callable[[bytes, str], Parsed]] = {
    NATIVE_CSV: native.parse_csv, NATIVE_JSON: native.parse_json,
    SHOPIFY: shopify.parse, SQUARE: square.parse,
}
# Our own files carry serials and must; web-shop exports have none, so units become gaps.
_REQUIRE_SERIALS = {NATIVE_CSV: True, NATIVE_JSON: True, SHOPIFY: False, SQUARE: False}


def import_invoices(
    db: Database, actor: Actor, path: Path, *, fmt: str | None = None, dry_run: bool = False,
) -> ImportReport:
    """Import one file's invoices in one transaction, or raise ImportRejected listing every problem.

    The same file (by SHA-256) is imported once: again it adds nothing and says when it was.
    Invoices already recorded from another file of the same source are skipped. A dry run
    checks and builds everything, then rolls back.
    """
    require(actor, Permission.IMPORT_INVOICES)
    if fmt is not None and fmt not in PARSERS:
        raise BadInput(f"Unknown import format {fmt!r}: use one of {', '.join(FORMATS)}, "
                       "or leave it out to tell from the file.")
    data = read_file(path)
    digest = hashlib.sha256(data).hexdigest()
    with db.read() as session:
        earlier = _earlier(session, path, digest, dry_run)
    if earlier is not None:
        return earlier
    kind = _format(path, data, fmt)
    with _collector_paused():
        return _import(db, actor, path, data, digest, kind, dry_run=dry_run)


def read_file(path: Path) -> bytes:
    """The file's bytes, refused in plain words when it cannot be read or is too large."""
    try:
        with path.open("rb") as handle:
            # One byte over the limit tells a file too large, without reading all of it.
            data = handle.read(limits.MAX_FILE_BYTES + 1)
            size = max(len(data), os.fstat(handle.fileno()).st_size)
    except OSError as exc:
        raise BadInput(sentences(f"Cannot read {path}: {exc.strerror}", "Check the file name "
                                 "and that the file is not open in another program.")) from None
    if size > limits.MAX_FILE_BYTES:
        raise BadInput(f"{path.name} is {limits.size_words(size)}; Warranty Desk imports files "
                       f"of up to {limits.size_words(limits.MAX_FILE_BYTES)} at a time. Export a "
                       "shorter period, or split the file.")
    return data


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for one import, then leave it as it was.

    An import builds several hundred thousand objects that all live until it ends, so each
    full collection walks them all and frees next to nothing: at 100k lines that was a fifth
    of the import. Reference counting frees objects as usual meanwhile; the few cycles wait
    for the next collection after the import.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _import(
    db: Database, actor: Actor, path: Path, data: bytes, digest: str, kind: str, *,
    dry_run: bool,
) -> ImportReport:
    parsed = PARSERS[kind](data, money_at(db).currency)
    units = parsed.units()
    if units > limits.MAX_UNITS:
        # Checked before planning: each unit is a warranty the plan would build in memory.
        raise ImportRejected(path.name, [*parsed.problems, Problem(
            None, "file", f"The file sells {units:,} units; Warranty Desk imports at most "
            f"{limits.MAX_UNITS:,} at a time, each with its own warranty. Export a shorter "
            "period, or split the file.")])
    with db.write() as session:
        # Another till may have imported the same file while this one was parsing.
        earlier = _earlier(session, path, digest, dry_run)
        if earlier is not None:
            return earlier
        plan = plan_sales(session, parsed.sales, today=shop_today(session), skip_recorded=True,
                          require_serials=_REQUIRE_SERIALS[kind])
        problems = parsed.problems + [parsed.locate(p) for p in plan.problems]
        if problems:
            problems.sort(key=lambda p: p.row or 0)
            raise ImportRejected(path.name, problems)
        batch = ImportBatch(id=uuid7(), file_sha256=digest, file_name=path.name[:300],
                            format=kind, rows=parsed.rows, imported_by_id=actor.staff_id)
        session.add(batch)
        session.flush()
        apply_plan(session, plan, import_batch_id=batch.id)
        # After the sales are in, so a refund of a sale in this same file finds it.
        refunds = void_refunded(session, actor, parsed.refunds, import_batch_id=batch.id)
        report = ImportReport(
            format=kind, file_name=path.name, sha256=digest, sales=len(plan.sales),
            lines=len(plan.lines), warranties=len(plan.warranties), extensions=len(plan.offers),
            skipped_invoices=tuple(plan.skipped_invoices),
            registration_gaps=_registration_gaps(session, plan), dry_run=dry_run,
            left_out=tuple(parsed.left_out),
            voided=tuple(code for r in refunds for code in r.voided),
            refunds=tuple(r.sentence() for r in refunds if r.found or not r.refund.listed))
        audit.record(session, actor, "invoices.import", "import_batch", batch.id.hex, {
            "file": path.name, "sha256": digest, "format": kind, "sales": report.sales,
            "warranties": report.warranties, "skipped_invoices": list(report.skipped_invoices),
            "left_out": list(report.left_out), "voided": list(report.voided)})
        if dry_run:
            # Everything ran, constraints included; now undo it so the report is the only trace.
            session.rollback()
        return report


def _format(path: Path, data: bytes, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    kind = detect(data)
    if kind is None:
        # Told before the header: a damaged or UTF-16 file shows no header worth quoting.
        _, damage = readable_text(data)
        if damage:
            raise ImportRejected(path.name, damage)
        found = header_of(data)
        has = f"Its first row has: {found}." if found else "It is empty."
        raise BadInput(f"{path.name} is not a sales file Warranty Desk knows. {has} "
                       f"Expected {EXPECTED}.")
    return kind


def _earlier(session: Session, path: Path, digest: str, dry_run: bool) -> ImportReport | None:
    batch = session.scalars(select(ImportBatch).where(ImportBatch.file_sha256 == digest)).first()
    if batch is None:
        return None
    return ImportReport(format=batch.format, file_name=path.name, sha256=digest,
                        already_imported=True, dry_run=dry_run,
                        # "Imported on" is the shop's calendar day, as the person remembers it.
                        imported_on=batch.imported_at.astimezone(shop_zone(session)).date())


def _registration_gaps(session: Session, plan: Plan) -> int:
    """Units of serial-required products that got a warranty without a serial."""
    # Plan rows hold ids as the 16 bytes the database stores.
    unserialised = [product for product, serial in zip(
        plan.warranties.column("product_id"), plan.warranties.column("serial"), strict=True)
        if serial is None]
    if not unserialised:
        return 0
    needs_serial = {pid.bytes for pid in session.scalars(select(Product.id).where(
        Product.id.in_({uuid.UUID(bytes=b) for b in unserialised}),
        Product.serial_required.is_(True)))}
    return sum(1 for pid in unserialised if pid in needs_serial)
