"""The bulk generator's claim rows: each planned claim's events, evidence, costs and messages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from warranty_desk.demo import catalogue, claim_words
from warranty_desk.demo.bulk_claims import (
    AT_MANUFACTURER,
    INSPECTING,
    RECEIVED,
    REJECTED,
    REPAIRING,
    RESOLVED,
    REVIEWING,
    PlannedClaim,
    evidence_for,
    path_of,
)
from warranty_desk.demo.bulk_rows import Row, Tables, as_json, outbox_row, stamp
from warranty_desk.demo.bulk_run import ACTOR, UNIT_COUNTER, BulkRun, Document, Target, unit_serial
from warranty_desk.ids import uuid7
from warranty_desk.rules.coverage import plan_layers
from warranty_desk.rules.evidence import evidence_label
from warranty_desk.services import audit, messages, numbers

CLAIMS_PER_CHUNK = 5_000
# A cost line: kind, amount, description, recoverable from the brand, who posted it.
Cost = tuple[str, int, str, bool, bytes | None]


@dataclass(slots=True)
class _Decision:
    """What a claim's decision wrote: its reason, its costs and what the messages say of it."""

    decider: bytes | None
    reason: str | None = None
    costs: list[Cost] = field(default_factory=list)
    # What the decided event carries beyond the claim, and the words the customer reads.
    extras: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    refund_minor: int | None = None
    refund_reference: str | None = None
    replacement_serial: str | None = None
    replacement_id: bytes | None = None


def write_claims(run: BulkRun, chunk: list[PlannedClaim]) -> None:
    claims_per_year: dict[int, int] = defaultdict(int)
    codes_per_year: dict[int, int] = defaultdict(int)
    for claim in chunk:
        claims_per_year[claim.opened.year] += 1
        if claim.kind == "replace" and claim.closed is not None:
            codes_per_year[claim.closed.year] += 1
    serials = sum(1 for c in chunk if c.target is None or c.kind == "replace")
    with run.db.write() as session:
        next_number = {year: numbers.reserve(session, "C", year, n)
                       for year, n in sorted(claims_per_year.items())}
        run.next_code = {year: numbers.reserve(session, "W", year, n)
                          for year, n in sorted(codes_per_year.items())}
        run.next_serial = numbers.reserve(session, UNIT_COUNTER, 0, serials)
        tables = Tables()
        voids: list[Row] = []
        first = last = ""
        for claim in chunk:
            year = claim.opened.year
            number = numbers.claim_number(run.branch, year, next_number[year])
            next_number[year] += 1
            first, last = first or number, number
            _claim_rows(run, tables, voids, claim, number)
        tables.write(session)
        if voids:
            session.connection().exec_driver_sql(
                "UPDATE warranties SET status = 'void', void_reason = ?, voided_at = ? "
                "WHERE id = ?", voids)
        audit.record(session, ACTOR, "demo.claims", "demo", f"{first}..{last}",
                     {"claims": len(chunk), "first": first, "last": last,
                      "replacements": sum(codes_per_year.values())})
    # Replacement units are warranties too, so they count towards the total.
    run.tick(len(chunk) + sum(codes_per_year.values()))


def _claim_rows(run: BulkRun, tables: Tables, voids: list[Row], claim: PlannedClaim,
                number: str) -> None:
    rng = run.claim_rng
    item = run.items[claim.item]
    target = claim.target
    path = path_of(claim)
    documents = evidence_for(run, claim, path)
    notes = ([rng.choice(claim_words.REPAIR_NOTES)]
             if any(to == REPAIRING for _, to in path) else [])
    times = _step_times(run, claim, 1 + len(documents) + len(path) + len(notes))
    at = iter(times)
    cid = uuid7().bytes
    customer_id = run.cust_ids[claim.customer] if claim.customer >= 0 else None
    opener = (None if claim.channel == "portal"
              else run.staff["sales"] if claim.channel == "counter" else run.staff["support"])
    serial = claim.serial
    if target is None:
        serial = unit_serial(item.prefix or "SN", run.next_serial)
        run.next_serial += 1
    state = {"repair": RESOLVED, "replace": RESOLVED, "refund": RESOLVED}.get(
        claim.kind, claim.kind)
    outcome = {"repair": "repair", "replace": "replace", "refund": "refund",
               REJECTED: "reject"}.get(claim.kind)
    _opening_rows(tables, claim, cid, opener, documents, at)
    decision = _decide(run, tables, voids, claim, number)
    if target is None and claim.kind == REJECTED:
        tables.add("claim_events", (uuid7().bytes, cid, times[-1], run.staff["support"], "proof",
                                    None, None, "Proof of purchase not accepted: " + claim.reason,
                                    None, 0))
    moved_at = _move_rows(run, tables, cid, path, notes, decision, at)
    for kind, amount, description, recoverable, poster in decision.costs:
        tables.add("cost_postings", (uuid7().bytes, cid, kind, amount, int(recoverable),
                                     description, poster, times[-1]))
        tables.add("claim_events", (uuid7().bytes, cid, times[-1], poster, "cost", None, None,
                                    f"{kind}: {description}", None, amount))
    _stock_and_brand(run, tables, claim, cid, number, serial, decision.replacement_serial,
                     moved_at, decision.costs)
    tables.add("claims", _claim_row(run, claim, cid, number, serial, state, outcome,
                                    customer_id, opener, moved_at, decision))
    _claim_messages(run, tables, claim, cid, customer_id, number, state, outcome, serial,
                    decision.reason, decision.extras, decision.words, times[-1])


def _step_times(run: BulkRun, claim: PlannedClaim, steps: int) -> list[str]:
    """When each step of a claim happened, evenly spread from its opening to its end."""
    if claim.closed is not None:
        finish = claim.closed
    else:
        # An open claim's last step happened before today began.
        finish = max(claim.opened + (datetime.combine(run.today, time(0)) - claim.opened)
                     * 0.8, claim.opened + timedelta(minutes=30))
    gap = (finish - claim.opened) / max(steps - 1, 1)
    return [stamp(claim.opened + gap * n) for n in range(steps)]


def _opening_rows(tables: Tables, claim: PlannedClaim, cid: bytes, opener: bytes | None,
                  documents: list[Document], at: Any) -> None:
    """The opened event, then each evidence file with its event."""
    channel_words = claim.channel.replace("_", " ")
    tables.add("claim_events", (uuid7().bytes, cid, next(at), opener, "opened", None, RECEIVED,
                                f"Opened at the {channel_words}: {claim.fault}"
                                if claim.target else "Opened without a known sale; proof of "
                                "purchase uploaded, not yet verified.", None, 0))
    source = "portal" if claim.channel == "portal" else "counter"
    for document in documents:
        when = next(at)
        tables.add("evidence_documents", (
            uuid7().bytes, cid, document.sha256, document.kind, document.media_type,
            document.size, document.name, opener, when, source))
        tables.add("claim_events", (uuid7().bytes, cid, when, opener, "evidence", None, None,
                                    f"Added {evidence_label(document.kind)} ({document.name})",
                                    None, 0))


def _decide(run: BulkRun, tables: Tables, voids: list[Row], claim: PlannedClaim,
            number: str) -> _Decision:
    """The decision a closed claim got (or the costs an open one has so far)."""
    rng = run.claim_rng
    staff = run.staff
    item = run.items[claim.item]
    target = claim.target
    decision = _Decision(decider=staff["manager"])
    if claim.kind == "repair":
        if claim.via_manufacturer:
            decision.reason = f"Repaired by the {item.brand} service centre under warranty."
            decision.costs.append(("shipping", rng.randrange(1_200, 2_500, 10),
                                   f"Courier to {item.brand}", True, staff["finance"]))
        else:
            part, low, high = rng.choice(claim_words.PARTS[item.category])
            decision.reason = f"{part} replaced under warranty."
            covered = bool(target and target.manufacturer_covers(claim.opened.date()))
            decision.costs.append(("parts", rng.randrange(low, high, 10), part, covered,
                                   staff["technician"]))
            decision.costs.append(("labour", rng.randrange(2_000, 6_000, 100),
                                   f"{rng.choice((30, 45, 60, 90))} minutes bench time", False,
                                   staff["technician"]))
    elif claim.kind in ("replace", "refund") and target is not None:
        close_day = claim.closed.date() if claim.closed else run.today
        covered = target.manufacturer_covers(close_day)
        if claim.kind == "replace":
            decision.reason = "Not economical to repair; replaced with a new unit."
            decision.replacement_id, decision.replacement_serial, decision.extras = _replace(
                run, tables, voids, claim, target, number)
            decision.costs.append((
                "replacement", max(target.price, item.price, 1),
                f"Replacement unit {decision.replacement_serial or 'without serial'}", covered,
                decision.decider))
        else:
            _refund(run, decision, voids, claim, target, number, covered)
    elif claim.kind == REJECTED:
        decision.reason = claim.reason
    elif claim.kind == AT_MANUFACTURER:
        decision.costs.append(("shipping", rng.randrange(1_200, 2_500, 10),
                               f"Courier to {item.brand}", True, staff["finance"]))
    return decision


def _refund(run: BulkRun, decision: _Decision, voids: list[Row], claim: PlannedClaim,
            target: Target, number: str, covered: bool) -> None:
    rng = run.claim_rng
    decision.reason = "No replacement in stock; refunded."
    refund_minor = (target.price if rng.random() < 0.7
                    else max(100, target.price * rng.randint(50, 90) // 100))
    refund_reference = f"POS-R-{rng.randrange(10**6):06d}"
    decision.refund_minor, decision.refund_reference = refund_minor, refund_reference
    if refund_minor > 50_000:
        decision.decider = run.staff["owner"]
    decision.costs.append(("refund", refund_minor, f"Refund {refund_reference}", covered,
                           decision.decider))
    voids.append((f"Refunded under claim {number}",
                  stamp(claim.closed) if claim.closed else None, target.warranty_id))
    # As decisions.decide writes it: the event has the plain amount and its currency, the
    # customer's message the amount as the shop writes money.
    decision.extras = {"amount": run.money.plain(refund_minor), "currency": run.money.currency,
                       "refund_reference": refund_reference}
    decision.words = {"amount": run.money.people(refund_minor)}


def _move_rows(run: BulkRun, tables: Tables, cid: bytes, path: list[tuple[str, str]],
               notes: list[str], decision: _Decision, at: Any) -> dict[str, str]:
    """Each move along the path with its reason, a technician's note before the repair."""
    staff = run.staff
    moved_at: dict[str, str] = {}
    for (from_state, to_state), note in zip(path, [*[""] * (len(path) - len(notes)),
                                                  *notes], strict=True):
        if note:
            tables.add("claim_events", (uuid7().bytes, cid, next(at), staff["technician"],
                                        "note", None, None, note, None, 0))
        when = next(at)
        moved_at[to_state] = when
        final = to_state in (RESOLVED, REJECTED)
        mover = (decision.decider if final else staff["support"] if to_state == REVIEWING
                 else staff["technician"])
        tables.add("claim_events", (uuid7().bytes, cid, when, mover, "status", from_state,
                                    to_state, (decision.reason or "") if final
                                    else claim_words.MOVE_REASONS[to_state], None, 0))
    return moved_at


def _claim_row(run: BulkRun, claim: PlannedClaim, cid: bytes, number: str, serial: str | None,
               state: str, outcome: str | None, customer_id: bytes | None,
               opener: bytes | None, moved_at: dict[str, str], decision: _Decision) -> Row:
    rng = run.claim_rng
    target = claim.target
    inspected = INSPECTING in moved_at
    return (
        cid, number, target.warranty_id if target else None, customer_id,
        run.items[claim.item].id, serial, claim.channel, claim.claim_type, claim.fault,
        rng.choice(("", "", "Charger", "Box and charger", "Cable")), rng.choice((
            "Good", "Good", "Light scratches", "Worn corners")), state, outcome,
        ("rejected" if claim.kind == REJECTED else "unverified") if target is None
        else "not_needed",
        as_json({"product": run.items[claim.item].name, "purchased_on": (
            claim.opened.date() - timedelta(days=rng.randint(30, 300))).isoformat(),
                 "where": "Online marketplace"})
        if target is None else "{}",
        # The owner: whoever opened it, until the technician takes it for inspection.
        run.staff["technician"] if inspected else opener, opener, stamp(claim.opened),
        (claim.opened.date() + timedelta(days=10)).isoformat(),
        stamp(claim.closed) if claim.closed else None, decision.reason, decision.refund_minor,
        decision.refund_reference, decision.replacement_serial, decision.replacement_id, None)


def _replace(run: BulkRun, tables: Tables, voids: list[Row], claim: PlannedClaim,
             target: Target, number: str) -> tuple[bytes, str | None, dict[str, str]]:
    """The new unit's warranty, the old one voided: its id, serial and the event's extras."""
    assert claim.closed is not None
    item = run.items[claim.item]
    day = claim.closed.date()
    if item.new_term_on_replacement:
        layers = [(s.kind.value, s.start, s.end, -1) for s in plan_layers(
            day, item.manufacturer_months, item.shop_months)]
    else:
        # The remaining cover moves to the new unit, as decisions.decide does.
        layers = [(x.kind, max(x.start, day), x.end, x.plan)
                  for x in target.layers if x.end >= day] or [("shop", day, day, -1)]
    code = numbers.warranty_code(run.branch, day.year, run.next_code[day.year])
    run.next_code[day.year] += 1
    serial = None
    if item.prefix:
        serial = unit_serial(item.prefix, run.next_serial)
        run.next_serial += 1
    new_id = uuid7().bytes
    closed = stamp(claim.closed)
    end = max(x[2] for x in layers)
    customer_id = run.cust_ids[target.customer] if target.customer >= 0 else None
    tables.add("warranties", (new_id, code, target.line_id, item.id, customer_id, serial,
                              layers[0][1].isoformat(), end.isoformat(), "active", None,
                              None, target.warranty_id, closed))
    for kind, start, stop, plan in layers:
        tables.add("warranty_layers", (new_id, kind, start.isoformat(),
                                       stop.isoformat(),
                                       run.plans[plan].id if plan >= 0 else None, 0))
    voids.append((f"Replaced by {code} (serial {serial}) under claim {number}", closed,
                  target.warranty_id))
    tables.add("outbox_events", outbox_row(run.db.ids, "warranty.replaced", "warranty",
                                           target.code,
                                           {"old": target.code, "new": code, "serial": serial,
                                            "end": end.isoformat()}, closed))
    return new_id, serial, {"new_serial": serial or "", "new_warranty": code,
                            "end": end.isoformat()}


def _stock_and_brand(run: BulkRun, tables: Tables, claim: PlannedClaim, cid: bytes,
                     number: str, serial: str | None, new_serial: str | None,
                     moved_at: dict[str, str], costs: list[Cost]) -> None:
    """Units moved in and out of stock, and the claim on the brand with its settlement."""
    rng = run.claim_rng
    item = run.items[claim.item]
    keeper = run.staff["storekeeper"]
    closed = stamp(claim.closed) if claim.closed else None
    moves: list[tuple[str, str | None, str]] = []
    if claim.kind in ("replace", "refund") and closed:
        moves.append(("return_in", serial, closed))
        if claim.kind == "replace":
            moves.append(("replacement_out", new_serial, closed))
    if AT_MANUFACTURER in moved_at:
        moves.append(("to_supplier", serial, moved_at[AT_MANUFACTURER]))
        if closed:
            moves.append(("from_supplier", serial, closed))
    for kind, unit, when in moves:
        tables.add("stock_movements", (uuid7().bytes, cid, item.id, unit, kind, number,
                                       keeper, when))
    recoverable = sum(amount for _, amount, _, rec, _ in costs if rec)
    if AT_MANUFACTURER in moved_at:
        claimed = recoverable + rng.randrange(3_000, 12_000, 100)
        status = "paid" if closed else rng.choice(("submitted", "in_repair"))
        submitted = moved_at[AT_MANUFACTURER]
    elif claim.kind in ("replace", "refund") and recoverable and rng.random() < 0.6:
        claimed, status, submitted = recoverable, "credited", closed or ""
    else:
        return
    brand_claim = uuid7().bytes
    settle_day = (claim.closed.date() + timedelta(days=rng.randint(7, 30))
                  if claim.closed else None)
    if settle_day is not None and settle_day > run.today:
        status, settle_day = "approved", None
    settled_at = f"{settle_day.isoformat()} 12:00:00.000000" if settle_day else None
    tables.add("brand_claims", (
        brand_claim, cid, item.brand_id,
        f"{item.brand[:3].upper()}-RMA-{rng.randrange(10**6):06d}",
        catalogue.BRAND_CENTRES.get(item.brand, ""), status, claimed, submitted,
        settled_at, item.supplier,
        "approved" if status in ("approved", "paid", "credited") else "pending", settled_at))
    tables.add("brand_claim_items", (uuid7().bytes, brand_claim, cid, submitted))
    if settle_day is not None:
        amount = claimed if rng.random() < 0.8 else claimed * 9 // 10
        tables.add("settlements", (uuid7().bytes, brand_claim, amount,
                                   f"CN-{rng.randrange(10**6):06d}",
                                   settle_day.isoformat(), "credit_note",
                                   "" if amount == claimed else
                                   "The brand paid labour at its own rate."))


def _claim_messages(run: BulkRun, tables: Tables, claim: PlannedClaim, cid: bytes,
                    customer_id: bytes | None, number: str, state: str, outcome: str | None,
                    serial: str | None, reason: str | None, extras: dict[str, str],
                    words: dict[str, str], at: str) -> None:
    """The message the customer was sent, and the claim's opened and latest outbox events."""
    item = run.items[claim.item]
    template = (f"claim_{state}" if outcome is None else "claim_rejected"
                if outcome == "reject" else f"claim_resolved_{outcome}")
    values = {
        "customer": run.cust_names[claim.customer] if claim.customer >= 0 else "customer",
        "claim": number, "product": item.name, "serial": serial or "not recorded",
        "shop": run.shop_name, "phone": run.shop_phone,
        "promised": (claim.opened.date() + timedelta(days=10)).isoformat(),
        "end": claim.target.end.isoformat() if claim.target else "",
        "reason": reason or "", **extras, **words,
    }
    wording = messages.render(template, values)
    # Sync delivered these long ago; only a live status change queues a message.
    tables.add("customer_messages", (uuid7().bytes, cid, customer_id, template,
                                     wording.subject, wording.body, "outbound",
                                     "delivered" if claim.closed else "sent", at))
    opened_iso = claim.opened.isoformat() + "+00:00"
    payload: dict[str, Any] = {
        "number": number, "state": RECEIVED, "outcome": None, "channel": claim.channel,
        "claim_type": claim.claim_type, "fault": claim.fault, "serial": serial,
        "opened_at": opened_iso, "warranty": claim.target.code if claim.target else None}
    tables.add("outbox_events", outbox_row(run.db.ids, "claim.opened", "claim", number, payload,
                                           stamp(claim.opened)))
    if state != RECEIVED:
        topic = "claim.decided" if claim.closed else "claim.status_changed"
        tables.add("outbox_events", outbox_row(run.db.ids, topic, "claim", number, {
            **payload, "state": state, "outcome": outcome, "reason": reason, **extras}, at))
