"""A customer message printed as a letter: on A4 with the letterhead or on the receipt roll, the
message then delivered by hand (LETTER, who, when, audited), a message that went by email only
reprinted as a copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from printing import jobs
from printing.documents import PrintRequest
from tests.conftest import actor
from tests.printing.pdf_tools import pdftotext, render
from tests.printing.printer_servers import closed_port, printer
from tests.unit.services.helpers import audit_rows, sell
from warranty_desk.errors import BadInput
from warranty_desk.models import CustomerMessage
from warranty_desk.permissions import Role
from warranty_desk.services import claims, letters
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.storage.database import Database

SAM = actor(Role.SALES, "Sam Sales")


@pytest.fixture
def claim(shop: Database) -> str:
    code = sell(shop).warranty_codes[0]
    return claims.start_claim(shop, SAM, claims.StartClaim(code, "Screen flickers")).number


def _message(db: Database, claim: str) -> CustomerMessage:
    [item] = claim_detail(db, SAM, claim).messages
    with db.read() as session:
        message = session.scalars(select(CustomerMessage).where(
            CustomerMessage.id == letters.message_for_letter(session, item.id).id)).one()
        session.expunge(message)
    return message


def test_a_printed_letter_carries_the_message_and_delivers_it_by_hand(
        shop: Database, claim: str, tmp_path: Path) -> None:
    message = _message(shop, claim)
    out = tmp_path / "letter.pdf"
    done = jobs.print_document(shop, SAM, PrintRequest("letter", message.id.hex, str(out)))
    assert done.delivered and not done.job.copy
    assert done.message == f"Saved the letter (message {message.id.hex[-8:]}) to {out}."
    words = pdftotext(out.read_bytes())
    # The letterhead, the customer, the date in words, the subject, the body, the claim.
    for part in ("My Shop", "Ada Lovelace", "22 November 2026", message.subject,
                 "Hello Ada Lovelace", f"Your claim: {claim}", "Page 1 of 1"):
        assert part in words, part
    assert "COPY" not in words
    after = _message(shop, claim)
    assert (after.channel, after.state, after.reason) == ("letter", "delivered",
                                                         "printed by Sam Sales")
    assert after.state_at is not None
    [(who, details)] = audit_rows(shop, "message.letter")
    assert who == "Sam Sales" and '"was_state": "queued"' in details
    detail = claim_detail(shop, SAM, claim)
    [item] = detail.messages
    assert item.delivery == "delivered as a letter: printed by Sam Sales"
    assert any(t.reason.startswith("Printed as a letter for the customer: ")
               for t in detail.timeline)
    render(out.read_bytes(), "test-letter")


def test_a_second_print_is_a_copy_and_marks_nothing_again(
        shop: Database, claim: str, tmp_path: Path) -> None:
    message = _message(shop, claim)
    jobs.print_document(shop, SAM, PrintRequest("letter", message.id.hex, str(tmp_path / "a.pdf")))
    again = jobs.print_document(shop, SAM, PrintRequest("letter", message.id.hex.upper(),
                                                        str(tmp_path / "b.pdf")))
    assert again.job.copy and "(copy)" in again.message
    assert "COPY" in pdftotext((tmp_path / "b.pdf").read_bytes())
    assert len(audit_rows(shop, "message.letter")) == 1


def test_a_message_sent_by_email_is_reprinted_as_a_copy_and_stays_sent(
        shop: Database, claim: str, tmp_path: Path) -> None:
    message = _message(shop, claim)
    with shop.write() as session:
        row = session.get_one(CustomerMessage, message.id)
        row.channel, row.state, row.server_id = "email", "sent", "queue-id-1"
    out = tmp_path / "copy.pdf"
    done = jobs.print_document(shop, SAM, PrintRequest("letter", message.id.hex, str(out)))
    assert done.delivered and not done.job.copy  # its first print...
    words = pdftotext(out.read_bytes())
    assert "This message was sent by email; this letter is a copy of it." in words  # ...a copy
    after = _message(shop, claim)
    assert (after.channel, after.state, after.server_id) == ("email", "sent", "queue-id-1")
    assert audit_rows(shop, "message.letter") == []
    render(out.read_bytes(), "test-letter-copy")


def test_a_letter_on_the_receipt_printer_delivers_once_the_printer_takes_it(
        shop: Database, claim: str) -> None:
    message = _message(shop, claim)
    port = closed_port()
    offline = jobs.print_document(shop, SAM, PrintRequest(
        "letter", message.id.hex, f"tcp://127.0.0.1:{port}", width_mm=58))
    assert not offline.delivered
    assert _message(shop, claim).state == "queued"  # nothing printed, nothing delivered
    with printer("prints", port=port) as server:
        retried = jobs.retry(shop, SAM, offline.job.id)
        [sent] = server.wait_for_jobs(1)
    assert retried.delivered
    assert b"LETTER" in sent and b"Ada Lovelace" in sent and claim.encode() in sent
    assert b"Hello Ada Lovelace" in sent
    assert _message(shop, claim).state == "delivered"


def test_an_unknown_message_id_is_refused_in_plain_words(shop: Database, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="not a message on this till"):
        jobs.print_document(shop, SAM, PrintRequest("letter", "0" * 32, str(tmp_path / "x.pdf")))
    assert not (tmp_path / "x.pdf").exists()
