"""Claim figures from counted facts equal the same figures from one row per claim, over many
generated sets of claims in zones with and without summer time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.rules.metrics import claim_facts as cf
from warranty_desk.rules.metrics import claims as cm
from warranty_desk.rules.metrics.periods import median
from warranty_desk.rules.metrics.rows import ClaimRow

ZONES = [ZoneInfo(z) for z in ("UTC", "America/New_York", "Europe/London",
                               "Australia/Lord_Howe", "Asia/Kathmandu")]
BASE = datetime(2026, 1, 1, tzinfo=UTC)
STATES = [s.value for s in ClaimState]
OUTCOMES = [None, "repair", "replace", "refund", "reject"]
# Minutes over a little more than a year, so ranges cross both summer-time changes.
MINUTES = 60 * 24 * 420


@st.composite
def claim_rows(draw: st.DrawFn) -> list[ClaimRow]:
    rows = []
    for n in range(draw(st.integers(0, 40))):
        opened = BASE + timedelta(minutes=draw(st.integers(0, MINUTES)))
        closed = (None if draw(st.booleans()) else
                  opened + timedelta(minutes=draw(st.integers(0, 60 * 24 * 40))))
        handed = (None if draw(st.booleans()) else
                  opened + timedelta(minutes=draw(st.integers(0, 60 * 24 * 60))))
        promised = (None if draw(st.booleans()) else
                    (opened + timedelta(days=draw(st.integers(-2, 30)))).date())
        rows.append(ClaimRow(
            f"C-{n}", opened, draw(st.sampled_from(STATES)), closed_at=closed,
            outcome=draw(st.sampled_from(OUTCOMES)), promised_on=promised,
            handed_over_at=handed, reopened=draw(st.booleans()),
            rejected_before=draw(st.booleans()),
            dims={"brand": draw(st.sampled_from(["Lumen", "Norda", "Vexa"]))}))
    return rows


def _range(draw: st.DrawFn) -> tuple[date, date]:
    since = BASE.date() + timedelta(days=draw(st.integers(-5, 420)))
    return since, since + timedelta(days=draw(st.integers(0, 120)))


def _bounds(since: date, until: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(since, time.min, zone).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, zone).astimezone(UTC)
    return start, end


@settings(max_examples=300, deadline=None)
@given(rows=claim_rows(), zone=st.sampled_from(ZONES), span=st.data())
def test_every_claim_figure_from_facts_equals_the_one_from_rows(
        rows: list[ClaimRow], zone: ZoneInfo, span: st.DataObject) -> None:
    since, until = span.draw(st.composite(_range)())
    start, end = _bounds(since, until, zone)
    facts = cf.facts_of(rows, zone)
    assert sum(f.count for f in facts) == len(rows)
    opened = [c for c in rows if start <= c.opened_at < end]
    closed = [c for c in rows if c.closed_at is not None and start <= c.closed_at < end]
    fopened = cf.opened_within(facts, since, until)
    fclosed = cf.closed_within(facts, since, until)

    assert cf.open_count_on(facts, until) == cm.open_claim_count(
        rows, end - timedelta(microseconds=1))
    assert cf.volume_by_week(facts, since, until) == cm.claim_volume_by_week(
        rows, zone, since, until)
    assert cf.open_by_week(facts, since, until) == cm.open_by_week(rows, zone, since, until)
    assert cf.completion(fopened) == cm.resolution_completion(opened, zone)
    assert cf.speed(fclosed) == cm.resolution_speed(closed, zone)
    assert cf.replacement(fclosed) == cm.replacement_time(closed, zone)
    assert cf.judged(fopened) == (
        len(opened), sum(c.rejected_before or c.state == "rejected" for c in opened),
        sum(c.reopened for c in opened))


@settings(max_examples=100, deadline=None)
@given(rows=claim_rows(), zone=st.sampled_from(ZONES))
def test_facts_grouped_by_a_field_hold_each_values_claims(
        rows: list[ClaimRow], zone: ZoneInfo) -> None:
    facts = cf.facts_of(rows, zone, by="brand")
    for brand in ("Lumen", "Norda", "Vexa"):
        mine = [c for c in rows if c.dims["brand"] == brand]
        assert sum(f.count for f in facts if f.group == brand) == len(mine)
        assert cf.completion(f for f in facts if f.group == brand) == \
            cm.resolution_completion(mine, zone)


@settings(max_examples=500, deadline=None)
@given(values=st.lists(st.integers(-5, 60), max_size=60))
def test_the_median_of_counted_values_is_the_median_of_the_values(values: list[int]) -> None:
    counts: dict[int, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    assert cf.counted_median(counts) == median(values)
