"""The monthly audit sample: N closed claims of a shop month drawn by a kept seed, each given a
second look by a manager ("fine" or "needs follow-up", with a note), all in the audit log.

The draw ranks the month's closed claims by a hash of the seed and the claim number and takes
the first N, so anyone holding the seed and the month's closed claims draws the same ones again,
by hand if need be, on any machine and any version of Python.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.models import AuditSample, AuditSampleClaim, Claim, Product
from warranty_desk.permissions import Actor, Permission, require
from warranty_desk.services import audit
from warranty_desk.services.claim_common import load_claim
from warranty_desk.services.letterhead import day_bounds
from warranty_desk.services.shop_time import shop_today, shop_zone
from warranty_desk.services.unit_of_work import UnitOfWork, reads, writes

FINE, NEEDS_FOLLOW_UP = "fine", "needs_follow_up"
FINDINGS: dict[str, str] = {FINE: "Fine", NEEDS_FOLLOW_UP: "Needs follow-up"}
# Ten claims is an evening's second look for one manager; a bigger shop asks for more.
DEFAULT_SIZE = 10
# Past this a sample is no longer a sample: read the month's claims in the reports instead.
MAX_SIZE = 500
# Nine digits: short enough to read out and type back, plenty for a monthly draw.
MAX_SEED = 999_999_999
MAX_NOTE = 4000
_MONTH = re.compile(r"(\d{4})-(\d{2})")
# Not strftime's %B, which follows the process's C locale: the shop's words are British English.
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class SampledClaim:
    """One claim of a sample, with what it was and its review so far."""

    number: str
    position: int  # its place in the draw, from 1
    state: str
    outcome: str | None
    closed_at: datetime | None
    product: str
    fault: str
    finding: str | None  # None: not reviewed yet
    note: str
    reviewed_by: str
    reviewed_at: datetime | None

    @property
    def finding_words(self) -> str:
        """The finding as people say it."""
        return FINDINGS.get(self.finding or "", "Not reviewed yet")


@dataclass(frozen=True, slots=True)
class SampleView:
    """A month's sample: how it was drawn and its claims in the order drawn."""

    month: str  # "2026-11"
    month_words: str  # "November 2026"
    size: int  # as asked for
    seed: int
    closed_count: int  # the claims closed in the month when it was drawn
    drawn_by: str
    drawn_at: datetime
    claims: tuple[SampledClaim, ...]

    @property
    def reviewed(self) -> int:
        """How many of its claims have been reviewed."""
        return sum(1 for c in self.claims if c.finding is not None)

    @property
    def shortfall(self) -> str:
        """Said when fewer claims closed in the month than were asked for; "" otherwise."""
        if self.closed_count >= self.size:
            return ""
        n = self.closed_count
        return (f"Only {n} claim{'s' if n != 1 else ''} closed in {self.month_words}, fewer "
                f"than the {self.size} asked for: {'all' if n != 1 else 'it'} "
                f"{'are' if n != 1 else 'is'} in the sample.")

    @property
    def words(self) -> str:
        """The sample in one or two sentences."""
        said = (f"{len(self.claims)} of the {self.closed_count} claims closed in "
                f"{self.month_words}, drawn with seed {self.seed}; {self.reviewed} reviewed.")
        return f"{self.shortfall} {said}" if self.shortfall else said


def parse_month(text: str) -> date:
    """The first day of a month written like 2026-11, or a plain refusal."""
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
        raise BadInput(f"{text.strip()!r} is not a month like 2026-11 (the year, a dash, the "
                       "month's two digits).")
    return date(int(found[1]), int(found[2]), 1)


def month_key(first: date) -> str:
    """A month as it is stored and typed: 2026-11."""
    return f"{first.year:04d}-{first.month:02d}"


def month_words(first: date) -> str:
    """A month as people say it: November 2026."""
    return f"{_MONTH_NAMES[first.month - 1]} {first.year}"


def next_month(first: date) -> date:
    """The first day of the month after."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def draw_order(seed: int, numbers: Iterable[str]) -> tuple[str, ...]:
    """Claim numbers in the order this seed draws them: by SHA-256 of "seed:number"."""
    return tuple(sorted(numbers, key=lambda n: hashlib.sha256(f"{seed}:{n}".encode()).digest()))


def closed_in(session: Session, first: date) -> dict[str, uuid.UUID]:
    """The claims closed in a shop month (by the shop's time zone): their ids by number."""
    zone = shop_zone(session)
    start, end = day_bounds(first, zone)[0], day_bounds(next_month(first), zone)[0]
    return {number: claim_id for number, claim_id in session.execute(
        select(Claim.number, Claim.id).where(Claim.closed_at >= start, Claim.closed_at < end))}


def _check_size_and_seed(size: int, seed: int | None) -> None:
    if not 1 <= size <= MAX_SIZE:
        raise BadInput(f"A sample holds 1 to {MAX_SIZE} claims; {size} was asked for.")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise BadInput(f"A seed is a whole number from 0 to {MAX_SEED}; {seed} will not do.")


def _drawn_already(sample: AuditSample, session: Session) -> str:
    at = sample.drawn_at.astimezone(shop_zone(session)).strftime("%Y-%m-%d at %H:%M")
    return (f"The sample of {month_words(parse_month(sample.month))} was drawn already, on "
            f"{at} by {sample.drawn_by or 'the command line'} ({len(sample.claims)} claims, "
            f"seed {sample.seed}). A month has one sample: open it to review its claims. "
            "Nothing was drawn again.")


def _sample(session: Session, key: str) -> AuditSample | None:
    return session.scalars(select(AuditSample).where(AuditSample.month == key)).first()


def draw_in(uow: UnitOfWork, actor: Actor, month: str, *, size: int = DEFAULT_SIZE,
            seed: int | None = None) -> SampleView:
    """Draw a month's sample of closed claims (a new seed unless one is given), once a month
    has ended; a second draw of the same month is refused, saying who drew the first."""
    require(actor, Permission.REVIEW_AUDIT_SAMPLE)
    _check_size_and_seed(size, seed)
    first = parse_month(month)
    session = uow.session
    key = month_key(first)
    existing = _sample(session, key)
    if existing is not None:
        raise BadInput(_drawn_already(existing, session))
    today = shop_today(session)
    if next_month(first) > today:
        raise BadInput(f"{month_words(first)} has not ended yet (today is {today.isoformat()}):"
                       f" draw its sample from {next_month(first).isoformat()}, when every claim"
                       " closed in it can be drawn.")
    pool = closed_in(session, first)
    if not pool:
        raise BadInput(f"No claim closed in {month_words(first)}: there is nothing to draw. "
                       "Nothing was saved.")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)
    picked = draw_order(seed, pool)[:size]
    sample = AuditSample(month=key, size=size, seed=seed, closed_count=len(pool),
                         drawn_by_id=actor.staff_id, drawn_by=actor.name)
    sample.claims = [AuditSampleClaim(claim_id=pool[number], position=n, note="",
                                      reviewed_by="")
                     for n, number in enumerate(picked, 1)]
    session.add(sample)
    session.flush()
    audit.record(session, actor, "audit_sample.draw", "audit_sample", key,
                 {"size": size, "seed": seed, "closed": len(pool), "claims": list(picked)})
    return sample_view(session, sample)


draw = writes(draw_in)


def sample_view(session: Session, sample: AuditSample) -> SampleView:
    """A stored sample as the screen, the report and the command line show it."""
    rows = session.execute(
        select(AuditSampleClaim, Claim, Product.name)
        .join(Claim, Claim.id == AuditSampleClaim.claim_id)
        .outerjoin(Product, Product.id == Claim.product_id)
        .where(AuditSampleClaim.sample_id == sample.id)
        .order_by(AuditSampleClaim.position)).all()
    claims = tuple(
        SampledClaim(c.number, s.position, c.state, c.outcome, c.closed_at, product or "–",
                     c.fault, s.finding, s.note, s.reviewed_by, s.reviewed_at)
        for s, c, product in rows)
    return SampleView(sample.month, month_words(parse_month(sample.month)), sample.size,
                      sample.seed, sample.closed_count, sample.drawn_by, sample.drawn_at,
                      claims)


def sample_in(uow: UnitOfWork, actor: Actor, month: str) -> SampleView | None:
    """A month's sample, or None when it has not been drawn."""
    require(actor, Permission.VIEW_REPORTS)
    found = _sample(uow.session, month_key(parse_month(month)))
    return None if found is None else sample_view(uow.session, found)


sample = reads(sample_in)


def redraw_in(uow: UnitOfWork, actor: Actor, month: str) -> tuple[str, ...]:
    """The month's draw made again from its kept seed over the claims closed in the month now:
    the same claims while those are the same (an auditor's check of the draw)."""
    require(actor, Permission.VIEW_REPORTS)
    first = parse_month(month)
    found = _sample(uow.session, month_key(first))
    if found is None:
        raise NotFound(f"No sample of {month_words(first)} has been drawn.")
    return draw_order(found.seed, closed_in(uow.session, first))[:found.size]


redraw = reads(redraw_in)


def _finding(typed: str) -> str:
    code = typed.strip().lower().replace("-", "_").replace(" ", "_")
    if code not in FINDINGS:
        raise BadInput(f"{typed.strip()!r} is not a finding: say fine or needs follow-up.")
    return code


def review_in(uow: UnitOfWork, actor: Actor, number: str, finding: str, note: str = "", *,
              month: str | None = None) -> SampledClaim:
    """Mark a sampled claim reviewed with a finding and a note (required for needs follow-up);
    a later review replaces it, the audit log keeping both."""
    require(actor, Permission.REVIEW_AUDIT_SAMPLE)
    code = _finding(finding)
    words = card_numbers.typed(note)
    if code == NEEDS_FOLLOW_UP:
        words = audit.kept_words(note, "Write what needs following up, in a few words: the "
                                       "next person acts on it. Nothing was saved.")
    if len(words) > MAX_NOTE:
        raise BadInput(f"The note is {len(words)} characters long; at most {MAX_NOTE}. "
                       "Shorten it. Nothing was saved.")
    session = uow.session
    claim = load_claim(session, number)
    query = (select(AuditSampleClaim, AuditSample.month).join(AuditSample)
             .where(AuditSampleClaim.claim_id == claim.id))
    if month is not None:
        query = query.where(AuditSample.month == month_key(parse_month(month)))
    found = session.execute(query.order_by(AuditSample.month)).all()
    if not found:
        where = (f"the sample of {month_words(parse_month(month))}" if month is not None
                 else "any month's audit sample")
        raise NotFound(f"Claim {claim.number} is not in {where}. Only sampled claims are "
                       "reviewed here; check the number.")
    if len(found) > 1:
        months = ", ".join(m for _row, m in found)
        raise BadInput(f"Claim {claim.number} is in the samples of {months}: say which month "
                       "the review is for.")
    row, key = found[0]
    details: dict[str, object] = {"month": key, "finding": code, "note": words}
    if row.finding is not None:
        details["was"] = {"finding": row.finding, "note": row.note, "by": row.reviewed_by}
    row.finding, row.note = code, words
    row.reviewed_by_id, row.reviewed_by = actor.staff_id, actor.name
    row.reviewed_at = uow.clock.now()
    session.flush()
    audit.record(session, actor, "audit_sample.review", "claim", claim.number, details)
    return next(c for c in sample_view(session, row.sample).claims if c.number == claim.number)


review = writes(review_in)
