"""The message delivery report against figures counted here, by hand, from the same rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from printing.reports import report_pdf
from tests.conftest import TODAY, actor
from tests.printing.pdf_tools import pdftotext, render
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.models import CustomerMessage, Shop
from warranty_desk.permissions import Role
from warranty_desk.services import report_registry
from warranty_desk.storage.database import Database

MANAGER = actor(Role.MANAGER)
# (days before TODAY, hour UTC, state, direction, channel): three weeks, every state, two
# channels and none yet, and two inbound messages that are no delivery at all.
ROWS = [
    (1, 9, "sent", "outbound", "email"), (1, 10, "delivered", "outbound", "email"),
    (2, 11, "queued", "outbound", ""), (3, 12, "failed", "outbound", "email"),
    (3, 13, "received", "inbound", ""), (3, 14, "sent", "outbound", "letter"),
    (8, 9, "sent", "outbound", "email"), (9, 9, "bounced", "outbound", "email"),
    (9, 10, "interrupted", "outbound", "email"), (10, 8, "delivered", "outbound", "letter"),
    (16, 7, "sent", "outbound", "email"), (16, 8, "received", "inbound", ""),
    (200, 9, "failed", "outbound", "email"),  # before the period
]


def _write(db: Database) -> list[tuple[datetime, str, str, str]]:
    written = []
    with db.write() as session:
        for n, (days, hour, state, direction, channel) in enumerate(ROWS):
            day = TODAY - timedelta(days=days)
            at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            trouble = state in ("failed", "bounced", "interrupted")
            session.add(CustomerMessage(template="claim_received", subject=f"Message {n}",
                                        body="…", direction=direction, state=state,
                                        channel=channel, created_at=at,
                                        reason=f"reason {n}" if trouble else ""))
            written.append((at, state, direction, channel or "not recorded"))
    return written


def _by_hand(written: list[tuple[datetime, str, str, str]], branch: str
             ) -> tuple[dict[tuple[str, str], list[int]], int]:
    """(week, channel) -> [messages, delivered, failed, waiting] and the failures, counted
    plainly."""
    weeks: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    failed = 0
    since = TODAY - timedelta(days=90)
    for at, state, direction, channel in written:
        if direction != "outbound" or at.date() < since:
            continue
        year, week, _ = at.date().isocalendar()  # the test shop keeps UTC
        counts = weeks[(f"{year}-W{week:02d}", channel)]
        counts[0] += 1
        if state in ("sent", "delivered"):
            counts[1] += 1
        elif state in ("failed", "bounced", "interrupted"):
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
    table = report_registry.build(shop, MANAGER, "message-delivery")
    got = {(str(row[0]), str(row[2])): list(row[3:7]) for row in table.rows}
    assert got == expected
    assert {row[1] for row in table.rows} == {branch}
    for row in table.rows:
        messages, delivered = row[3], row[4]
        assert isinstance(messages, int) and isinstance(delivered, int)
        assert row[7] == round(100 * delivered / messages, 1)
    [failures] = table.follow
    assert len(failures.rows) == failed == 3
    assert sorted(str(r[4]) for r in failures.rows) == ["bounced", "failed", "interrupted"]
    assert {(r[7], r[8]) for r in failures.rows} == {
        ("Message 3", "reason 3"), ("Message 7", "reason 7"), ("Message 8", "reason 8")}


def test_the_period_starts_where_asked(shop: Database) -> None:
    _write(shop)
    table = report_registry.build(shop, MANAGER, "message-delivery",
                             since=TODAY - timedelta(days=365))
    assert sum(int(str(r[3])) for r in table.rows) == 11  # the old failure is counted now
    assert len(table.follow[0].rows) == 4


def test_sales_staff_may_not_read_it_and_a_backward_period_is_refused(shop: Database) -> None:
    with pytest.raises(PermissionDenied):
        report_registry.build(shop, actor(Role.SALES), "message-delivery")
    with pytest.raises(BadInput, match="swap the dates"):
        report_registry.build(shop, MANAGER, "message-delivery", since=TODAY + timedelta(days=3))


def test_the_pdf_lists_every_failure_under_the_rates_as_the_screen_does(shop: Database) -> None:
    _write(shop)
    table = report_registry.build(shop, MANAGER, "message-delivery")
    pdf = report_pdf(shop, MANAGER, table)
    words = pdftotext(pdf)
    assert "3 message(s) failed or bounced; listed below." in words
    failures = words[words.index("Messages that failed"):]
    for column in ("Written", "Channel", "State", "Subject", "Reason"):
        assert column in failures
    for subject, reason, state in (("Message 3", "reason 3", "failed"),
                                   ("Message 7", "reason 7", "bounced"),
                                   ("Message 8", "reason 8", "interrupted")):
        assert subject in failures and reason in failures and state in failures
    assert "reason 12" not in words  # the failure before the period is not listed
    render(pdf, "test-message-delivery-report")


def test_the_pdf_says_when_nothing_failed(shop: Database) -> None:
    table = report_registry.build(shop, MANAGER, "message-delivery")
    words = pdftotext(report_pdf(shop, MANAGER, table))
    assert "No message failed in this period." in words
    assert "Messages that failed None in this period." in words
