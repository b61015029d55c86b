"""Exception notes: written on any record with a reason, found again, counted in the report."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from tests.conftest import TODAY, actor, stand_on
from tests.unit.services.helpers import rows, sell
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.permissions import Role
from warranty_desk.services import claims, report_registry
from warranty_desk.services.customer_view import customer_profile
from warranty_desk.services.exception_notes import (
    REASONS,
    RECORD_KINDS,
    NoteFilters,
    NoteInput,
    add_note,
    find_notes,
    notes_on,
)
from warranty_desk.services.note_report import exception_notes_in
from warranty_desk.services.unit_of_work import UnitOfWork
from warranty_desk.storage.database import Database

SALES, SUPPORT, MANAGER = actor(Role.SALES), actor(Role.SUPPORT, "Sue"), actor(Role.MANAGER)
ODD = ('<b>Link</b> & "down" — 系统连接中断; Verbindung getrennt. 100% of '
       + "the morning without the POS. " * 20).strip()


def _records(db: Database) -> dict[str, str]:
    sale = sell(db)
    code = sale.warranty_codes[0]
    number = claims.start_claim(db, SALES, claims.StartClaim(code, "Screen flickers")).number
    customer = str(rows(db, "SELECT reference FROM customers")[0][0])
    return {"claim": number, "warranty": code, "customer": customer, "sale": "INV-1001",
            "brand_claim": "LUMEN-RMA-88/12"}


def test_a_note_goes_on_each_kind_of_record_with_its_reason_and_the_audit_log(
    shop: Database,
) -> None:
    found = _records(shop)
    for kind, ref in found.items():
        # Typed in lower case with blanks around; a brand's own id is kept as written.
        typed = ref if kind in ("brand_claim", "sale") else ref.lower()
        note = add_note(shop, SUPPORT, NoteInput(kind, f"  {typed} ", "other", "  Odd  "))
        assert (note.record_kind, note.record_ref, note.text) == (kind, ref, "Odd")
        assert notes_on(shop, SALES, kind, ref)[0].written_by == "Sue"
    assert [a for (a,) in rows(shop, "SELECT action FROM audit_entries WHERE action = "
                                     "'note.exception'")] == ["note.exception"] * 5
    details = json.loads(str(rows(shop, "SELECT details FROM audit_entries ORDER BY seq DESC "
                                        "LIMIT 1")[0][0]))
    assert details == {"reason": "other", "text": "Odd"}
    profile = customer_profile(shop, SALES, found["customer"])
    assert [n.reason_words for n in profile.notes] == ["Other"]


def test_a_note_on_a_record_that_is_not_there_or_without_words_saves_nothing(
    shop: Database,
) -> None:
    found = _records(shop)
    with pytest.raises(NotFound, match="No claim BR01-C-2099-999999"):
        add_note(shop, SUPPORT, NoteInput("claim", "BR01-C-2099-999999", "other", "Lost"))
    with pytest.raises(BadInput, match="Pick a reason"):
        add_note(shop, SUPPORT, NoteInput("claim", found["claim"], "bad_luck", "Lost"))
    with pytest.raises(BadInput, match="a few words"):
        add_note(shop, SUPPORT, NoteInput("claim", found["claim"], "other", "  ok "))
    with pytest.raises(BadInput, match="at most 4000"):
        add_note(shop, SUPPORT, NoteInput("claim", found["claim"], "other", "x" * 4001))
    with pytest.raises(BadInput, match="Unknown kind of record"):
        add_note(shop, SUPPORT, NoteInput("invoice", "INV-1001", "other", "Lost"))
    assert rows(shop, "SELECT count(*) FROM exception_notes") == [(0,)]


def test_notes_are_found_by_reason_record_and_words_whatever_their_script_or_case(
    shop: Database,
) -> None:
    found = _records(shop)
    add_note(shop, SUPPORT, NoteInput("claim", found["claim"], "system_link_down", ODD))
    add_note(shop, SUPPORT, NoteInput("customer", found["customer"], "customer_unreachable",
                                      "Rang twice, no answer; voicemail full"))
    add_note(shop, SUPPORT, NoteInput("sale", "INV-1001", "stock_mismatch",
                                      "Box held a different serial_number"))

    def texts(**filters: object) -> list[str]:
        return [n.record_kind for n in find_notes(shop, SALES, NoteFilters(**filters))]

    assert texts() == ["sale", "customer", "claim"]  # newest first
    assert texts(reason="customer_unreachable") == ["customer"]
    assert texts(record_kind="claim") == ["claim"]
    assert texts(words="VOICEMAIL") == ["customer"]  # Latin letters in any case
    assert texts(words="系统连接") == ["claim"]
    assert texts(words="100%") == ["claim"]  # % is a character here, not a wildcard
    assert texts(words="serial_n") == ["sale"]
    assert texts(words="serial%n") == []
    assert texts(words=found["claim"].lower()) == ["claim"]  # by the record's number
    assert texts(words="rang voicemail") == ["customer"]  # every word
    assert texts(words="rang serial") == []
    # Kept as typed, markup and quotes too.
    assert find_notes(shop, SALES, NoteFilters(record_kind="claim"))[0].text == ODD


def test_the_report_counts_notes_per_reason_and_record_in_its_period_and_lists_each(
    shop: Database,
) -> None:
    found = _records(shop)
    written = [("claim", "system_link_down"), ("claim", "service_centre_not_responding"),
               ("customer", "customer_unreachable"), ("claim", "system_link_down"),
               ("sale", "stock_mismatch"), ("brand_claim", "service_centre_not_responding")]
    stand_on(shop, TODAY - timedelta(days=100))
    add_note(shop, SUPPORT, NoteInput("claim", found["claim"], "other", "Long ago"))
    for n, (kind, reason) in enumerate(written):
        stand_on(shop, TODAY - timedelta(days=len(written) - n))
        add_note(shop, SUPPORT, NoteInput(kind, found[kind], reason, f"note {n}"))
    stand_on(shop, TODAY)
    with UnitOfWork.read(shop) as uow:
        table = exception_notes_in(uow, MANAGER, since=TODAY - timedelta(days=30), until=TODAY)
    expected = Counter(written)
    kinds = list(RECORD_KINDS)
    for row in table.rows:
        reason = next(code for code, words in REASONS.items() if words == row[0])
        assert list(row[1:-1]) == [expected[(kind, reason)] for kind in kinds]
        assert row[-1] == sum(n for (_k, r), n in expected.items() if r == reason)
    assert {r[0] for r in table.rows} == {REASONS[r] for _k, r in written}
    assert sum(int(str(r[-1])) for r in table.rows) == len(written)
    listed = table.follow[0].rows
    assert [r[4] for r in listed] == [f"note {n}" for n in range(len(written))]
    assert listed[0][2] == f"Claim {found['claim']}"
    same = report_registry.build(shop, MANAGER, "exception-notes", since=TODAY - timedelta(days=30))
    assert same.rows == table.rows
