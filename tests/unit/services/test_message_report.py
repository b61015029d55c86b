"""The message delivery report against figures counted here, by hand, from the same rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY, actor
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.models import CustomerMessage, Shop
from warranty_desk.permissions import Role
from warranty_desk.services import management
from warranty_desk.storage.database import Database

MANAGER = actor(Role.MANAGER)
# (days before TODAY, hour UTC, state, direction): three weeks, every state, and two
# inbound messages that are no delivery at all.
ROWS = [
    (1, 9, "sent", "outbound"), (1, 10, "delivered", "outbound"), (2, 11, "queued", "outbound"),
    (3, 12, "failed", "outbound"), (3, 13, "received", "inbound"),
    (8, 9, "sent", "outbound"), (9, 9, "bounced", "outbound"), (9, 10, "failed", "outbound"),
    (10, 8, "delivered", "outbound"), (16, 7, "sent", "outbound"),
    (16, 8, "received", "inbound"), (200, 9, "failed", "outbound"),  # before the period
]


def _write(db: Database) -> list[tuple[datetime, str, str]]:
    written = []
    with db.write() as session:
        for n, (days, hour, state, direction) in enumerate(ROWS):
            day = TODAY - timedelta(days=days)
            at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            session.add(CustomerMessage(template="claim_received", subject=f"Message {n}",
                                        body="…", direction=direction, state=state,
                                        created_at=at))
            written.append((at, state, direction))
    return written


def _by_hand(written: list[tuple[datetime, str, str]], branch: str
             ) -> tuple[dict[str, list[int]], int]:
    """Week -> [messages, delivered, failed, waiting] and the failures, counted plainly."""
    weeks: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    failed = 0
    since = TODAY - timedelta(days=90)
    for at, state, direction in written:
        if direction != "outbound" or at.date() < since:
            continue
        year, week, _ = at.date().isocalendar()  # the test shop keeps UTC
        counts = weeks[f"{year}-W{week:02d}"]
        counts[0] += 1
        if state in ("sent", "delivered"):
            counts[1] += 1
        elif state in ("failed", "bounced"):
            counts[2] += 1
            failed += 1
        else:
            counts[3] += 1
    return dict(weeks), failed


def test_rates_by_week_and_the_failures_match_a_count_by_hand(shop: Database) -> None:
    written = _write(shop)
    with shop.read() as session:
        branch = session.scalars(select(Shop.branch_code)).one()
    expected, failed = _by_hand(written, branch)
    table = management.build(shop, MANAGER, "message-delivery")
    got = {row[0]: list(row[3:7]) for row in table.rows}
    assert got == expected
    assert {row[1] for row in table.rows} == {branch}
    for row in table.rows:
        messages, delivered = row[3], row[4]
        assert isinstance(messages, int) and isinstance(delivered, int)
        assert row[7] == round(100 * delivered / messages, 1)
    [failures] = table.follow
    assert len(failures.rows) == failed == 3
    assert sorted(str(r[4]) for r in failures.rows) == ["bounced", "failed", "failed"]
    assert {r[7] for r in failures.rows} == {"Message 3", "Message 6", "Message 7"}


def test_the_period_starts_where_asked(shop: Database) -> None:
    _write(shop)
    table = management.build(shop, MANAGER, "message-delivery",
                             since=TODAY - timedelta(days=365))
    assert sum(int(str(r[3])) for r in table.rows) == 10  # the old failure is counted now
    assert len(table.follow[0].rows) == 4


def test_sales_staff_may_not_read_it_and_a_backward_period_is_refused(shop: Database) -> None:
    with pytest.raises(PermissionDenied):
        management.build(shop, actor(Role.SALES), "message-delivery")
    with pytest.raises(BadInput, match="swap the dates"):
        management.build(shop, MANAGER, "message-delivery", since=TODAY + timedelta(days=3))
