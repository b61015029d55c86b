"""Erasing a customer at the till: the words leave the file and its WAL, the records stay."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import actor
from tests.erasure.till_story import EMAIL, NAME, TRACES, tell, traces_in
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.permissions import Role
from warranty_desk.rules.erasure import pseudonym
from warranty_desk.services import audit, erasure
from warranty_desk.storage.database import Database

MANAGER, OWNER = actor(Role.MANAGER), actor(Role.OWNER)


def _files(db: Database) -> tuple[Path, Path]:
    return db.path, Path(f"{db.path}-wal")


def _one(db: Database, query: str, *args: object) -> tuple[object, ...]:
    conn = sqlite3.connect(db.path)
    try:
        return tuple(conn.execute(query, args).fetchone())
    finally:
        conn.close()


def test_before_erasure_the_file_holds_the_words_the_test_looks_for(shop: Database) -> None:
    tell(shop)
    found = traces_in(*_files(shop))
    assert {t for hits in found.values() for t in hits} >= {NAME, EMAIL, "447700900461"}


def test_erasure_leaves_no_name_phone_or_email_in_the_file_or_its_wal(shop: Database) -> None:
    story = tell(shop)
    report = erasure.erase(shop, MANAGER, story.reference, "Asked by email on 3 December")
    assert report.compacted
    assert traces_in(*_files(shop)) == {}
    # The WAL was emptied, not merely left behind with the old pages.
    wal = Path(f"{shop.path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert report.pseudonym == pseudonym(story.reference)
    assert report.audit_entries >= 1


def test_the_records_stay_under_the_pseudonym_and_still_count(shop: Database) -> None:
    story = tell(shop)
    erasure.erase(shop, OWNER, story.reference, "Asked at the counter")
    name, phone, email = _one(shop, "SELECT name, phone, email FROM customers WHERE reference=?",
                              story.reference)
    assert (name, phone, email) == (pseudonym(story.reference), "", "")
    assert _one(shop, "SELECT count(*) FROM claims c JOIN customers u ON u.id = c.customer_id "
                "WHERE c.number = ? AND u.reference = ?", story.claim, story.reference) == (1,)
    assert _one(shop, "SELECT count(*) FROM warranties WHERE code = ?", story.warranty) == (1,)
    (fault,) = _one(shop, "SELECT fault FROM claims WHERE number = ?", story.claim)
    assert fault == f"Screen flickers; {pseudonym(story.reference)} will collect, call " \
                    "[phone erased]"


def test_the_audit_chain_still_verifies_after_erasure(shop: Database) -> None:
    story = tell(shop)
    erasure.erase(shop, MANAGER, story.reference, f"{NAME} asked by letter")
    with shop.read() as session:
        report = audit.verify(session)
    assert report.ok, report.problem
    assert report.guarded
    (details,) = _one(shop, "SELECT details FROM audit_entries WHERE action='customer.erase'")
    assert not any(t in str(details) for t in TRACES)
    assert json.loads(str(details))["redacted"]


def test_a_redacted_entry_changed_again_is_found(shop: Database) -> None:
    story = tell(shop)
    erasure.erase(shop, MANAGER, story.reference, "Asked by letter")
    (seq,) = _one(shop, "SELECT min(CAST(key AS INTEGER)) FROM audit_entries, "
                  "json_each(details, '$.redacted') WHERE action = 'customer.erase'")
    conn = sqlite3.connect(shop.path)
    with conn:
        conn.execute("DROP TRIGGER audit_entries_no_update")
        conn.execute("UPDATE audit_entries SET details = replace(details, 'Erased', 'Renamed') "
                     "WHERE seq = ?", (seq,))
        conn.execute(audit.GUARD_TRIGGERS["audit_entries_no_update"])
    conn.close()
    with shop.read() as session:
        report = audit.verify(session)
    assert not report.ok
    assert report.first_bad_seq == seq


def test_erasure_is_refused_while_a_claim_is_open(shop: Database) -> None:
    story = tell(shop, close=False)
    with pytest.raises(BadInput, match=f"open claim {story.claim}"):
        erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    assert traces_in(shop.path) or traces_in(Path(f"{shop.path}-wal"))


@pytest.mark.parametrize("role", [Role.SALES, Role.SUPPORT, Role.TECHNICIAN, Role.FINANCE,
                                  Role.STOREKEEPER, Role.ADMIN])
def test_only_a_manager_or_the_owner_may_erase(shop: Database, role: Role) -> None:
    story = tell(shop)
    with pytest.raises(PermissionDenied):
        erasure.erase(shop, actor(role), story.reference, "Asked by email")


def test_erasure_needs_a_reason_and_happens_once(shop: Database) -> None:
    story = tell(shop)
    with pytest.raises(BadInput, match="Say why"):
        erasure.erase(shop, MANAGER, story.reference, "  ")
    erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    with pytest.raises(BadInput, match="erased already"):
        erasure.erase(shop, MANAGER, story.reference, "Asked again")


def test_the_erasure_is_a_synced_event_naming_no_one(shop: Database) -> None:
    story = tell(shop)
    erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    topic, payload = _one(shop, "SELECT topic, payload FROM outbox_events ORDER BY seq DESC")
    assert topic == "customer.erased"
    assert json.loads(str(payload)) == {"reference": story.reference,
                                        "pseudonym": pseudonym(story.reference),
                                        "merged_references": []}
    (created,) = _one(shop, "SELECT payload FROM outbox_events WHERE topic='customer.created'")
    assert json.loads(str(created))["name"] == pseudonym(story.reference)
    assert json.loads(str(created))["phone"] == ""


def test_no_hash_of_the_chain_changes_so_head_office_s_heads_still_hold(shop: Database) -> None:
    story = tell(shop)
    conn = sqlite3.connect(shop.path)
    try:
        before = conn.execute("SELECT seq, hash, prev_hash FROM audit_entries").fetchall()
    finally:
        conn.close()
    erasure.erase(shop, MANAGER, story.reference, "Asked by letter")
    conn = sqlite3.connect(shop.path)
    try:
        after = conn.execute("SELECT seq, hash, prev_hash FROM audit_entries").fetchall()
    finally:
        conn.close()
    # The nightly report's head (seq, hash) head office kept for each night is still in the
    # chain: erasure only appends its own entry.
    assert after[:len(before)] == before and len(after) == len(before) + 1


def test_an_email_corrected_before_is_erased_with_the_current_one(shop: Database) -> None:
    from warranty_desk.services import message_delivery

    story = tell(shop)
    message_delivery.correct_email(shop, MANAGER, story.reference, "winnie.q.new@example.org")
    # Delivered and kept their week: the outbox no longer remembers the first address.
    conn = sqlite3.connect(shop.path)
    with conn:
        conn.execute("DELETE FROM outbox_events")
    conn.close()
    erasure.erase(shop, MANAGER, story.reference, "Asked by letter")
    raw = b"".join(p.read_bytes() for p in _files(shop) if p.exists())
    assert b"winnie.q.new@example.org" not in raw and EMAIL.encode() not in raw
    with shop.read() as session:
        assert audit.verify(session).ok


def test_reports_count_the_erased_customer_s_warranty_and_claim_as_before(
        shop: Database) -> None:
    from warranty_desk.services import report_registry, reports

    story = tell(shop)
    claims_before = report_registry.build(shop, OWNER, "resolution-completion").rows
    assert claims_before[0][:4] == ("2026-11", 1, 0, 1)  # the month's claim, rejected
    erasure.erase(shop, MANAGER, story.reference, "Asked by email")
    assert report_registry.build(shop, OWNER, "resolution-completion").rows == claims_before
    [row] = [r for r in reports.warranty_register(shop, OWNER) if r.code == story.warranty]
    assert row.customer == pseudonym(story.reference)
