"""The nightly drift report: counts and id hashes per day and topic, the audit head, sent once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from sync import nightly
from sync.contract import TransientError
from sync.http import HttpClient
from tests.conftest import stand_at
from tests.liveportal.branch_view import BranchPortal
from tests.unit.services.helpers import sell
from warranty_desk.models import OutboxEvent, SyncCursor
from warranty_desk.services import audit
from warranty_desk.storage.database import Database

NOW = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)


@pytest.fixture
def client(portal: BranchPortal) -> Iterator[HttpClient]:
    http = HttpClient(portal.url, lambda: portal.token, timeout=2.0, connect_timeout=1.0)
    yield http
    http.close()


def sale_on(db: Database, invoice: str, at: datetime) -> None:
    """A sale whose outbox events all happened at `at`."""
    with db.read() as session:
        before = session.scalar(select(func.coalesce(func.max(OutboxEvent.seq), 0)))
    sell(db, invoice, serials=(f"SN-{invoice}",))
    with db.write() as session:
        session.execute(update(OutboxEvent).where(OutboxEvent.seq > before)
                        .values(created_at=at))


def expected(db: Database, first: date) -> list[dict[str, object]]:
    """The report's days worked out the slow, obvious way."""
    with db.read() as session:
        rows = session.execute(select(OutboxEvent.id, OutboxEvent.topic, OutboxEvent.created_at)
                               .order_by(OutboxEvent.seq)).all()
    groups: dict[tuple[str, str], list[str]] = {}
    for uid, topic, at in rows:
        # Events the fixtures wrote on the real clock after NOW are not part of NOW's report.
        if first <= at.date() <= NOW.date():
            groups.setdefault((at.date().isoformat(), topic), []).append(str(uid))
    return [{"day": day, "topic": topic, "count": len(ids),
             "sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest()}
            for (day, topic), ids in sorted(groups.items())]


def test_the_first_report_covers_a_week_and_reaches_the_portal_as_the_contract_says(
    shop: Database, portal: BranchPortal, client: HttpClient
) -> None:
    sale_on(shop, "OLD", NOW - timedelta(days=10))
    sale_on(shop, "TUE", NOW - timedelta(days=2, hours=3))
    sale_on(shop, "TODAY", NOW - timedelta(hours=1))
    sale_on(shop, "TODAY-2", NOW - timedelta(minutes=5))
    stand_at(shop, NOW)
    report = nightly.run_nightly(shop, client)
    assert [c.status for c in portal.calls] == [204]  # valid by the OpenAPI file
    sent = portal.nightly[0]
    assert sent["branch"] == "BR01" and sent["generated_at"] == NOW.isoformat()
    assert sent["days"] == expected(shop, date(2026, 11, 16))
    assert {d["day"] for d in sent["days"]} == {"2026-11-20", "2026-11-22"}
    today = {d["topic"]: d["count"] for d in sent["days"] if d["day"] == "2026-11-22"}
    assert today["warranty.activated"] == 2
    with shop.read() as session:
        chain = audit.verify(session)
    assert sent["audit_head"] == {"seq": chain.entries, "hash": chain.head}
    assert report.audit_seq == chain.entries


def test_the_next_report_starts_on_the_day_of_the_last_one(
    shop: Database, portal: BranchPortal, client: HttpClient
) -> None:
    sale_on(shop, "A", NOW - timedelta(days=3))
    stand_at(shop, NOW - timedelta(days=1))
    nightly.run_nightly(shop, client)
    assert nightly.last_run(shop) == NOW - timedelta(days=1)
    sale_on(shop, "B", NOW - timedelta(hours=2))
    stand_at(shop, NOW)
    nightly.run_nightly(shop, client)
    assert {d["day"] for d in portal.nightly[1]["days"]} == {"2026-11-22"}
    assert portal.nightly[1]["days"] == expected(shop, date(2026, 11, 21))


def test_a_till_offline_for_months_reports_its_last_quarter_at_most() -> None:
    first, last = nightly.report_days(NOW - timedelta(days=400), NOW)
    assert (last - first).days == nightly.MAX_DAYS - 1 and last == NOW.date()
    assert nightly.report_days(None, NOW) == (date(2026, 11, 16), date(2026, 11, 22))


def test_a_refused_report_is_remembered_for_the_sync_panel_and_not_counted_as_sent(
    shop: Database, portal: BranchPortal
) -> None:
    http = HttpClient(portal.url, lambda: "wrong", timeout=2.0, connect_timeout=1.0)
    with pytest.raises(TransientError, match="refused the sync token"):
        stand_at(shop, NOW)
        nightly.run_nightly(shop, http)
    http.close()
    assert nightly.last_run(shop) is None and portal.nightly == []
    with shop.read() as session:
        row = session.get_one(SyncCursor, nightly.NIGHTLY)
        assert "refused the sync token" in (row.last_error or "")
        assert row.last_attempt_at == NOW


def test_a_branch_set_in_the_settings_overrides_the_shops_own(
    shop: Database, portal: BranchPortal, client: HttpClient
) -> None:
    _, token = portal.other_branch("HQ9")
    stand_at(shop, NOW)
    hq9 = HttpClient(portal.url, lambda: token, timeout=5.0, connect_timeout=1.0)
    nightly.run_nightly(shop, hq9, branch="HQ9")
    hq9.close()
    assert portal.nightly_of("HQ9")[0]["branch"] == "HQ9" and portal.nightly == []
    assert portal.calls[0].path.startswith("/api/v1/branches/HQ9/nightly")


def test_a_new_shop_reports_the_head_of_its_audit_chain(db: Database) -> None:
    with db.read() as session:
        chain = audit.verify(session)
    stand_at(db, NOW)
    report = nightly.build_report(db)
    expected_head = chain.head if chain.entries else audit.GENESIS
    assert report.to_json()["audit_head"] == {"seq": chain.entries, "hash": expected_head}
    assert report.days == ()
