"""The bulk generator's claims as plans: which units, when, by which channel, and their path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from warranty_desk.demo import claim_words
from warranty_desk.demo.bulk_run import HISTORY_DAYS, BulkRun, Document, Target

_CHANNELS = ("counter", "phone", "portal", "online_order")
_CHANNEL_WEIGHTS = (55, 15, 18, 12)
_OPEN_KINDS = frozenset({"received", "reviewing", "inspecting", "repairing", "at_manufacturer"})
# Days ago an open claim in each state was opened: newer states are younger.
_OPEN_AGES: dict[str, tuple[int, int]] = {
    "received": (1, 6), "reviewing": (1, 10), "inspecting": (2, 20), "repairing": (3, 25),
    "at_manufacturer": (5, 40),
}
RECEIVED, REVIEWING, INSPECTING = "received", "reviewing", "inspecting"
REPAIRING, AT_MANUFACTURER, RESOLVED, REJECTED = (
    "repairing", "at_manufacturer", "resolved", "rejected")


@dataclass(slots=True)
class PlannedClaim:
    """One planned claim; rows are built from it when its chunk is written."""

    kind: str
    target: Target | None
    opened: datetime
    closed: datetime | None
    channel: str
    claim_type: str
    fault: str
    reason: str = ""
    via_manufacturer: bool = False
    item: int = 0
    customer: int = -1
    serial: str | None = None


def plan(run: BulkRun) -> list[PlannedClaim]:
    """Every claim of the run, on the units its sales picked, in the order they were opened."""
    planned = _assign(run) + _unknown_sale_claims(run)
    # Numbers rise with the opening time, as they would have at the counter.
    planned.sort(key=lambda c: c.opened)
    return planned


def _assign(run: BulkRun) -> list[PlannedClaim]:
    """Match planned end states to the units picked for claims.

    Open claims need a unit still in cover lately; replacements prefer units with a
    serial, as the replace decision asks for the new unit's serial.
    """
    rng = run.claim_rng
    recent_cut = run.today - timedelta(days=30)
    recent = [t for t in run.targets if t.end >= recent_cut]
    older = [t for t in run.targets if t.end < recent_cut]
    open_kinds = [k for k in run.kinds if k in _OPEN_KINDS]
    closed_kinds = [k for k in run.kinds if k not in _OPEN_KINDS]
    picked = rng.sample(range(len(recent)), min(len(open_kinds), len(recent)))
    planned = [_open_claim(run, kind, recent[n])
               for kind, n in zip(open_kinds, picked, strict=False)]
    # Too few recent units (a tiny run): the rest are turned down instead.
    closed_kinds += ["rejected"] * (len(open_kinds) - len(picked))
    chosen = set(picked)
    rest = [t for n, t in enumerate(recent) if n not in chosen] + older
    with_serial = [t for t in rest if t.serial]
    without = [t for t in rest if not t.serial]
    rng.shuffle(with_serial)
    rng.shuffle(without)
    replaces = [k for k in closed_kinds if k == "replace"]
    others = [k for k in closed_kinds if k != "replace"]
    rng.shuffle(others)
    planned += [_closed_claim(run, kind, target) for kind, target in
                zip(replaces + others, with_serial + without, strict=True)]
    return planned


def _claim_basics(run: BulkRun, target: Target, day: date) -> tuple[str, str, str]:
    rng = run.claim_rng
    item = run.items[target.item]
    channel = rng.choices(_CHANNELS, _CHANNEL_WEIGHTS)[0]
    fault = rng.choice(claim_words.FAULTS[item.category])
    roll = rng.random()
    if (day - target.start).days <= 14 and roll < 0.35:
        return channel, "dead_on_arrival", f"Faulty out of the box: {fault.lower()}"
    if item.category in ("phones", "laptops", "headphones") and roll > 0.93:
        return channel, "battery", "Battery runs down within a couple of hours"
    return channel, "fault", fault


def _moment(run: BulkRun, day: date) -> datetime:
    return datetime.combine(day, time(9)) + timedelta(minutes=run.claim_rng.randrange(510))


def _open_claim(run: BulkRun, kind: str, target: Target) -> PlannedClaim:
    low, high = _OPEN_AGES[kind]
    day = run.today - timedelta(days=run.claim_rng.randint(low, high))
    day = min(max(day, target.start), target.end, run.today)
    channel, claim_type, fault = _claim_basics(run, target, day)
    return PlannedClaim(kind, target, _moment(run, day), None, channel, claim_type, fault,
                  via_manufacturer=kind == AT_MANUFACTURER, item=target.item,
                  customer=target.customer, serial=target.serial)


def _closed_claim(run: BulkRun, kind: str, target: Target) -> PlannedClaim:
    rng = run.claim_rng
    reason = ""
    last = min(target.end, run.today - timedelta(days=1))
    if kind == "rejected" and target.end < run.today - timedelta(days=1) and (
            rng.random() < 0.25):
        # Some customers come back after the cover ended; those claims are turned down.
        day = target.end + timedelta(days=rng.randint(1, (run.today - target.end).days))
        reason = claim_words.EXPIRED_REASON
    elif last < target.start:
        day = target.start
    else:
        # Faults cluster early in a unit's life.
        day = target.start + timedelta(
            days=int((last - target.start).days * rng.random() ** 1.6))
    if kind == "rejected" and not reason:
        reason = rng.choice(claim_words.REJECT_REASONS)
    via = kind == "repair" and rng.random() < 0.3
    low, high = {"repair": (10, 35) if via else (3, 21), "replace": (1, 10),
                 "refund": (1, 7)}.get(kind, (0, 8))
    opened = _moment(run, day)
    # Closed by yesterday at the latest, so no decision is stamped later than now.
    yesterday = max(day, run.today - timedelta(days=1))
    closed = _moment(run, min(day + timedelta(days=rng.randint(low, high)), yesterday))
    closed = max(closed, opened + timedelta(hours=2))
    channel, claim_type, fault = _claim_basics(run, target, day)
    return PlannedClaim(kind, target, opened, closed, channel, claim_type, fault, reason, via,
                  target.item, target.customer, target.serial)


def _unknown_sale_claims(run: BulkRun) -> list[PlannedClaim]:
    rng = run.claim_rng
    serial_items = [n for n, item in enumerate(run.items) if item.prefix]
    planned = []
    for n in range(run.unknown_claims):
        kind = (RECEIVED, REVIEWING, REJECTED)[n % 3]
        ago = rng.randint(1, 10) if kind != REJECTED else rng.randint(20, HISTORY_DAYS - 1)
        opened = _moment(run, run.today - timedelta(days=ago))
        closed = opened + timedelta(days=rng.randint(1, 5)) if kind == REJECTED else None
        item = rng.choice(serial_items)
        customer = rng.randrange(len(run.cust_ids)) if run.cust_ids else -1
        fault = rng.choice(claim_words.FAULTS[run.items[item].category])
        planned.append(PlannedClaim(kind, None, opened, closed, rng.choice(("portal", "counter")),
                              "fault", fault, claim_words.PROOF_REJECTED_REASON, False, item,
                              customer))
    return planned


def path_of(claim: PlannedClaim) -> list[tuple[str, str]]:
    """The moves a claim makes from received to where the plan says it ends."""
    into = [(RECEIVED, REVIEWING), (REVIEWING, INSPECTING)]
    kind = claim.kind
    if claim.target is None:
        return {REVIEWING: into[:1], REJECTED: [(RECEIVED, REJECTED)]}.get(kind, [])
    if kind in (RECEIVED, REVIEWING, INSPECTING):
        return into[:[RECEIVED, REVIEWING, INSPECTING].index(kind)]
    if kind in (REPAIRING, AT_MANUFACTURER):
        return [*into, (INSPECTING, kind)]
    if kind == "repair":
        middle = AT_MANUFACTURER if claim.via_manufacturer else REPAIRING
        return [*into, (INSPECTING, middle), (middle, RESOLVED)]
    if kind in ("replace", "refund"):
        return [*into, (INSPECTING, RESOLVED)]
    reasons = claim_words.REJECT_REASONS
    if claim.reason in (claim_words.EXPIRED_REASON, reasons[1]):
        return [(RECEIVED, REJECTED)]
    if claim.reason == reasons[3]:
        return [into[0], (REVIEWING, REJECTED)]
    return [*into, (INSPECTING, REJECTED)]


def evidence_for(run: BulkRun, claim: PlannedClaim,
                 path: list[tuple[str, str]]) -> list[Document]:
    """The files attached to a claim: what its policy asks for once it is inspected."""
    rng = run.claim_rng
    if claim.target is None:
        return [_document(run, "proof_of_purchase")]
    inspected = any(to == INSPECTING for _, to in path)
    if inspected:
        kinds = list(run.items[claim.item].evidence.get(claim.claim_type, ())
                     or ("proof_of_purchase",))
        if rng.random() < 0.3:
            kinds.append("technician_report")
    elif claim.reason == claim_words.REJECT_REASONS[1]:
        kinds = ["damage_photos"]
    else:
        kinds = ["proof_of_purchase"] if rng.random() < 0.6 else []
    return [_document(run, kind) for kind in kinds]


def _document(run: BulkRun, kind: str) -> Document:
    fitting = [d for d in run.documents if d.kind == kind]
    return fitting[run.claim_rng.randrange(len(fitting))]
