"""Lookup: from any scanned code or typed text to a verdict with its evidence."""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.clock import today_on, zone_of
from warranty_desk.contacts import phone_search_key
from warranty_desk.locales import region_of
from warranty_desk.models import (
    Product,
    WarrantyStatus,
)
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.coverage import Coverage, CoverStatus, LayerKind, LayerSpan, coverage_on
from warranty_desk.rules.delivery_words import cover_on_delivery
from warranty_desk.rules.extension import extension_eligibility, first_open_sale_day
from warranty_desk.scanning import Scan, ScanKind, classify
from warranty_desk.services import claim_search, lookup_rows
from warranty_desk.services.product_cover import cover_of
from warranty_desk.services.shop_locale import phone_region
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database, driver_of
from warranty_desk.storage.search import fts_query
from warranty_desk.views import (
    ClaimBrief,
    ClaimMatch,
    ExtensionOfferView,
    LayerView,
    LookupResult,
    WarrantyVerdict,
)

# A phone or a name can match a customer with many purchases; the counter shows a short list.
MAX_MATCHES = 50

_LAYER_WORDS = {LayerKind.MANUFACTURER: "Manufacturer warranty", LayerKind.SHOP: "Shop warranty",
                LayerKind.EXTENSION: "Extended warranty"}
_LAYER_KINDS = {kind.value: kind for kind in LayerKind}
# Enum members' values by dictionary: an enum's .value is a Python-level property, read twice
# for each of up to fifty units.
_KIND_VALUES = {kind: kind.value for kind in LayerKind}
_STATUS_VALUES = {status: status.value for status in CoverStatus}
_VOID = WarrantyStatus.VOID.value
_EXTENSION = LayerKind.EXTENSION
_NO_CLAIMS: tuple[ClaimBrief, ...] = ()
_make_verdict = WarrantyVerdict._make


def lookup(db: Database, actor: Actor, query: str) -> LookupResult:
    """Classify the query, find the units it names and give each one's verdict.

    Every read but a product barcode's runs through the driver in one read transaction
    (Database.driver_read): a session's transaction machinery and one ORM statement for the
    shop's time zone cost more than all of a lookup's reads on a million warranties.
    """
    require(actor, Permission.LOOKUP)
    scan = classify(query)
    if scan.kind is ScanKind.GS1 and scan.serial is None and scan.gtin is not None:
        with UnitOfWork.read(db) as uow:
            return _product_barcode(uow.session, scan, scan.gtin)
    with db.driver_read() as conn:
        timezone, locale = lookup_rows.shop_settings(conn)
        zone = zone_of(timezone)
        return _scan_result(conn, scan, zone=zone, region=region_of(locale) if locale else None,
                            today=today_on(db.clock, zone))


def _scan_result(conn: sqlite3.Connection, scan: Scan, *, zone: ZoneInfo, region: str | None,
                 today: date) -> LookupResult:
    """What a classified scan finds, with each unit's verdict on `today`."""
    if scan.kind is ScanKind.EMPTY:
        return LookupResult(scan.raw, scan.kind.value, "not_found",
                            "Scan a serial, warranty code, claim or invoice number, or type a "
                            "phone number or name.", (), scan.problem)
    keys: list[bytes] = []
    found: dict[bytes, Any] | None = None  # the units' rows, when finding them read them
    tried: ScanKind = scan.kind
    for kind in scan.candidates:
        tried = kind
        if kind is ScanKind.PHONE:
            keys, found = _find_by_phone(conn, scan, region)
        else:
            keys = _find(conn, scan, kind, region)
        if keys:
            break
    claims = claim_search.find_claims(conn, scan, zone)
    if not keys:
        message = _claims_found(scan, claims) if claims else _not_found(scan)
        return LookupResult(scan.raw, scan.kind.value, "not_found", message, (), scan.problem,
                            claims)
    verdicts = verdicts_on(conn, keys, today=today, rows=found)
    outcome = "found" if len(verdicts) == 1 else "several"
    message = (verdicts[0].headline if len(verdicts) == 1
               else f"{len(verdicts)} units match {_kind_words(tried)} {scan.lookup_value(tried)}."
               " Pick one.")
    return LookupResult(scan.raw, tried.value, outcome, message, tuple(verdicts), scan.problem,
                        claims)


def _product_barcode(session: Session, scan: Scan, gtin: str) -> LookupResult:
    """A product barcode names no unit: say which product it is and the cover it comes with
    (the words head office's product page shows), and ask for the serial."""
    product = session.scalars(select(Product).where(Product.gtin == gtin)).first()
    if product is None:
        return LookupResult(scan.raw, scan.kind.value, "not_found",
                            f"That is a product barcode ({gtin}), not the unit's serial. Scan "
                            "the serial number label, or type the serial.", (), scan.problem)
    view = cover_of(session, product)
    return LookupResult(scan.raw, scan.kind.value, "not_found",
                        f"That is the product barcode of {product.name}, not the unit's serial."
                        f" It comes with {view.cover.cover} Scan the serial number label, or "
                        "type the serial.", (), scan.problem, product=view)


def _claims_found(scan: Scan, claims: tuple[ClaimMatch, ...]) -> str:
    if len(claims) == 1:
        return f"Claim {claims[0].number}."
    return f"{len(claims)} claims end in {scan.value}. Pick one."


def _kind_words(kind: ScanKind) -> str:
    return {ScanKind.INVOICE_NUMBER: "invoice", ScanKind.PHONE: "phone",
            ScanKind.TEXT: "the name", ScanKind.SERIAL: "serial"}.get(kind, "")


def _not_found(scan: Scan) -> str:
    shown = scan.value
    if scan.kind is ScanKind.WARRANTY_CODE:
        return f"No warranty {shown}. Check the code on the slip, or scan the unit's serial."
    if scan.kind is ScanKind.CLAIM_NUMBER:
        return f"No claim {shown}. Check the number on the ticket."
    if scan.kind is ScanKind.PHONE:
        return f"No customer with phone {shown}. Try the serial or the invoice number."
    if scan.kind is ScanKind.TEXT:
        return f"No customer named {shown!r}. Try the phone number, serial or invoice."
    return (f"Nothing found for {shown}. If the unit was bought here, try the invoice number; "
            "otherwise start a claim with the customer's proof of purchase.")


# What each kind of scan looks for, newest unit first; a phone or a name can match many.
_FIND_SQL = {
    ScanKind.WARRANTY_CODE: "SELECT id FROM warranties WHERE code = ?",
    ScanKind.CLAIM_NUMBER: ("SELECT warranty_id FROM claims WHERE number = ? "
                            "AND warranty_id IS NOT NULL"),
    ScanKind.INVOICE_NUMBER: (
        "SELECT w.id FROM warranties w JOIN invoice_lines l ON l.id = w.invoice_line_id "
        "JOIN sales s ON s.id = l.sale_id WHERE s.invoice_number = ? ORDER BY w.code"),
    ScanKind.SERIAL: "SELECT id FROM warranties WHERE serial = ? ORDER BY start_on DESC",
}
_FIND_GS1 = ("SELECT w.id FROM warranties w JOIN products p ON p.id = w.product_id "
             "WHERE w.serial = ? AND p.gtin = ? ORDER BY w.start_on DESC")


def _find(conn: sqlite3.Connection, scan: Scan, kind: ScanKind,
          region: str | None) -> list[bytes]:
    value = scan.lookup_value(kind)
    sql, params = _FIND_SQL.get(kind), [value]
    if kind is ScanKind.GS1:
        serial = scan.serial or value
        sql, params = ((_FIND_GS1, [serial, scan.gtin]) if scan.gtin
                       else (_FIND_SQL[ScanKind.SERIAL], [serial]))
    elif kind is ScanKind.TEXT:
        return _find_by_name(conn, value)
    if sql is None:
        return []
    found = lookup_rows.rows(conn, f"{sql} LIMIT {MAX_MATCHES}", params)
    return [row[0] for row in found if row[0] is not None]


def _find_by_phone(conn: sqlite3.Connection, scan: Scan,
                   region: str | None) -> tuple[list[bytes], dict[bytes, Any]]:
    """The units of the customer with this phone, newest first, with their verdicts' rows."""
    value = scan.lookup_value(ScanKind.PHONE)
    rows = lookup_rows.rows(conn, lookup_rows.VERDICT_ROWS_BY_PHONE.format(limit=MAX_MATCHES),
                            [phone_search_key(value, region) or value])
    return [row[0] for row in rows], {row[0]: row for row in rows}


def phone_lookup_key(session: Session, typed: str) -> str:
    """The stored phone a typed or scanned number is looked up by.

    E.164 in the shop's country ("07700 900596" and "0044 7700 900596" are +447700900596);
    a number that cannot be read that way is looked up as typed, as a phone the E.164
    migration could not read was kept.
    """
    return phone_search_key(typed, phone_region(session)) or typed


def _find_by_name(conn: sqlite3.Connection, value: str) -> list[bytes]:
    query = fts_query(value)
    if not query:
        return []
    customer_ids = [row[0] for row in lookup_rows.rows(
        conn, "SELECT c.id FROM customers_fts f JOIN customers c ON c.rowid = f.rowid "
        "WHERE customers_fts MATCH ? ORDER BY rank LIMIT 20", [query])]
    if not customer_ids:
        return []
    found = lookup_rows.rows(
        conn, f"SELECT id FROM warranties WHERE customer_id IN "
        f"({lookup_rows.marks(len(customer_ids))}) ORDER BY start_on DESC LIMIT {MAX_MATCHES}",
        customer_ids)
    return [row[0] for row in found]


def verdicts_for(
    session: Session, ids: Sequence[uuid.UUID], *, today: date
) -> list[WarrantyVerdict]:
    """Full verdicts for these warranties, in the order given (in the session's transaction)."""
    return verdicts_on(driver_of(session), [i.bytes for i in ids], today=today) if ids else []


def verdicts_on(
    conn: sqlite3.Connection, keys: Sequence[bytes], *, today: date,
    rows: dict[bytes, Any] | None = None,
) -> list[WarrantyVerdict]:
    """Full verdicts for these warranties (their stored 16-byte ids), in the order given, read
    on a driver connection (`rows`: their lookup_rows.VERDICT_ROWS rows, if read already).

    Rows are matched by the stored bytes, not UUIDs: making and hashing a UUID per row of
    each of the three reads was a fifth of a phone lookup with a dozen units.
    """
    if not keys:
        return []
    listed = lookup_rows.padded(keys)
    by_key = rows if rows is not None else lookup_rows.verdict_rows(conn, listed)
    # One read of the (small) plans table serves both the layer names and the offers.
    all_plans = lookup_rows.plans(conn)
    plan_names = {p.key: p.name for p in all_plans}
    marks = lookup_rows.marks(len(listed))
    # Each layer as shown and as the cover rule reads it, made in one pass over the rows.
    layers: dict[bytes, list[LayerView]] = defaultdict(list)
    spans: dict[bytes, list[LayerSpan]] = defaultdict(list)
    for wid, kind, start, end, plan_id in lookup_rows.rows(
            conn, lookup_rows.LAYERS.format(marks=marks), listed):
        start_on, end_on = date.fromisoformat(start), date.fromisoformat(end)
        layers[wid].append(LayerView(kind, start_on, end_on,
                                     plan_names.get(plan_id) if plan_id else None))
        spans[wid].append(LayerSpan(_LAYER_KINDS[kind], start_on, end_on))
    claims: dict[bytes, list[ClaimBrief]] = defaultdict(list)
    for wid, number, state, outcome, opened_at, fault, channel, claimant, phone in (
            lookup_rows.rows(conn, lookup_rows.CLAIMS.format(marks=marks), listed)):
        claims[wid].append(ClaimBrief(
            number, state, outcome, lookup_rows.utc(opened_at).date(), fault, channel,
            claimant or None, phone or None))
    # Each offered plan with the first sale day still inside its window today.
    offered = [(p, first_open_sale_day(p.terms, today)) for p in all_plans if p.active]
    return [_verdict(by_key[k], layers[k], spans[k], claims.get(k, _NO_CLAIMS), offered, today)
            for k in keys if k in by_key]


def _verdict(
    row: Any, layers: list[LayerView], spans: list[LayerSpan], claims: Sequence[ClaimBrief],
    plans: list[tuple[lookup_rows.PlanRow, date]], today: date,
) -> WarrantyVerdict:
    """One unit's verdict from its row of lookup_rows.VERDICT_ROWS, its layers and claims."""
    (_, code, serial, start, end, status, void_reason, name, sku, category, brand, terms,
     stored_exclusions, customer_name, phone, reference, invoice_number, sold, unit_price_minor,
     awaits_delivery) = row
    void = status == _VOID
    end_on, sold_on = date.fromisoformat(end), date.fromisoformat(sold)
    cover = coverage_on(spans, today, void=void,
                        awaits_delivery=bool(awaits_delivery)) if spans else Coverage(
        CoverStatus.EXPIRED, None, None, end_on, end_on)
    headline, detail = _words(cover, void_reason)
    if cover.awaits_delivery:
        detail = cover_on_delivery(spans)
    offers = []
    # Before delivery no end is known for an extension to follow: offered once delivered.
    if not void and not cover.awaits_delivery:
        # The window after the sale first, without building a refusal: most units a counter
        # sees (and most of a phone's dozens) are past every plan's.
        open_plans = [plan for plan, opens_from in plans if sold_on >= opens_from]
        extended = bool(open_plans) and any(span.kind is _EXTENSION for span in spans)
        for plan in open_plans:
            verdict = extension_eligibility(
                plan.terms, category=category, unit_price_minor=unit_price_minor,
                sale_date=sold_on, today=today, already_extended=extended, void=void)
            if verdict.eligible:
                offers.append(ExtensionOfferView(plan.name, plan.terms.months,
                                                 plan.terms.price_minor, verdict.reason))
    open_claim = (next((c.number for c in claims if c.state in OPEN_STATES), None) if claims
                  else None)
    layer = cover.layer
    # Made from its fields in order (WarrantyVerdict._fields), not by keyword: thirty keywords
    # took 1.7 us a unit to bind, the tuple 0.3 (_make checks the count).
    return _make_verdict((
        _STATUS_VALUES[cover.status], headline, detail, code, serial, name, sku, brand, category,
        customer_name, phone, reference, invoice_number, sold_on, date.fromisoformat(start),
        end_on, _KIND_VALUES[layer] if layer else None, cover.days_left, cover.expired_since,
        void_reason if void else None, terms, lookup_rows.exclusions(stored_exclusions),
        tuple(layers), tuple(claims), open_claim, tuple(offers), cover.awaits_delivery))


def _words(cover: Coverage, void_reason: str | None) -> tuple[str, str]:
    """The large verdict and the one line under it, in plain words."""
    if cover.status is CoverStatus.VOID:
        return "VOID", f"This warranty was voided: {void_reason or 'no reason recorded'}."
    if cover.status is CoverStatus.IN_COVER:
        layer = _LAYER_WORDS.get(cover.layer, "Warranty") if cover.layer else "Warranty"
        days = cover.days_left or 0
        return "IN COVER", (f"{layer} covers today; {days} day{'s' if days != 1 else ''} left, "
                            f"until {cover.ends_on}.")
    if cover.status is CoverStatus.NOT_STARTED:
        return "NOT STARTED", f"Cover starts later; it runs until {cover.ends_on}."
    return "EXPIRED", f"Cover ended on {cover.ends_on} (no cover since {cover.expired_since})."

