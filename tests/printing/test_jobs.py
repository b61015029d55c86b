"""Printing through the queue on a real shop database: originals, copies, failures, retries."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from printing import jobs
from printing.documents import PrintRequest, render_document
from tests.conftest import actor
from tests.printing.pdf_tools import page_sizes
from tests.printing.pdf_tools import text as pdf_text
from tests.printing.printer_servers import closed_port, printer
from tests.unit.services.helpers import audit_rows, sell
from warranty_desk.config import PrinterSettings
from warranty_desk.errors import BadInput, NotFound
from warranty_desk.permissions import Role
from warranty_desk.services import claims, print_jobs
from warranty_desk.services.print_jobs import ESCPOS, PDF
from warranty_desk.storage.database import Database

SAM, ROSA = actor(Role.SALES, "Sam Sales"), actor(Role.STOREKEEPER, "Rosa Store")


@pytest.fixture
def code(shop: Database) -> str:
    """A sold laptop's warranty code."""
    return sell(shop).warranty_codes[0]


@pytest.fixture
def claim(shop: Database, code: str) -> str:
    """A claim opened at the counter on that laptop."""
    return claims.start_claim(shop, SAM, claims.StartClaim(code, "Screen flickers")).number


def _slip(code: str, target: Path | str) -> PrintRequest:
    return PrintRequest("slip", code, str(target))


# --- Originals and copies ----------------------------------------------------------------------


def test_the_first_slip_is_the_original_and_the_next_one_says_copy(
        shop: Database, code: str, tmp_path: Path) -> None:
    first = jobs.print_document(shop, SAM, _slip(code, tmp_path / "first.bin"))
    second = jobs.print_document(shop, ROSA, _slip(code, tmp_path / "second.bin"))
    assert (first.delivered, first.job.copy) == (True, False)
    assert (second.delivered, second.job.copy) == (True, True)
    assert first.message == f"Saved the warranty slip for {code} to {tmp_path / 'first.bin'}."
    assert second.message == (f"Saved the warranty slip for {code} (copy) to "
                              f"{tmp_path / 'second.bin'}.")
    original, copy = (tmp_path / "first.bin").read_bytes(), (tmp_path / "second.bin").read_bytes()
    assert code.encode() in original and code.encode() in copy
    assert b"COPY" not in original and b"COPY" in copy
    assert [j.copy for j in print_jobs.history(shop, subject=code)] == [True, False]


def test_every_print_is_recorded_with_who_asked_and_when(
        shop: Database, code: str, tmp_path: Path) -> None:
    jobs.print_document(shop, SAM, _slip(code, tmp_path / "a.bin"))
    jobs.print_document(shop, ROSA, _slip(code, tmp_path / "b.bin"))
    newest, oldest = print_jobs.history(shop, subject=code)
    assert (oldest.requested_by, newest.requested_by) == ("Sam Sales", "Rosa Store")
    for job in (oldest, newest):
        assert (job.document, job.state, job.attempts, job.media_type) == (
            "slip", "printed", 1, ESCPOS)
        assert job.printed_at is not None and job.printed_at >= job.created_at
    assert oldest.target == str(tmp_path / "a.bin")
    assert [name for name, _ in audit_rows(shop, "print")] == ["Sam Sales", "Rosa Store"]
    assert '"copy": true' in audit_rows(shop, "print")[1][1]


def test_a_code_typed_in_lower_case_is_the_same_slip(
        shop: Database, code: str, tmp_path: Path) -> None:
    jobs.print_document(shop, SAM, _slip(code, tmp_path / "a.bin"))
    again = jobs.print_document(shop, SAM, _slip(f"  {code.lower()} ", tmp_path / "b.bin"))
    assert (again.job.subject, again.job.copy) == (code, True)


def test_slips_and_certificates_count_their_copies_apart(
        shop: Database, code: str, tmp_path: Path) -> None:
    jobs.print_document(shop, SAM, _slip(code, tmp_path / "slip.bin"))
    cert = jobs.print_document(shop, SAM, PrintRequest("certificate", code,
                                                       str(tmp_path / "c.pdf")))
    assert (cert.job.copy, cert.job.media_type) == (False, PDF)
    assert cert.message == (f"Saved the warranty certificate for {code} to "
                            f"{tmp_path / 'c.pdf'}.")
    assert code in pdf_text((tmp_path / "c.pdf").read_bytes())


def test_the_paper_asked_for_is_the_page_the_pdf_gets(
        shop: Database, code: str, claim: str, tmp_path: Path) -> None:
    jobs.print_document(shop, SAM, PrintRequest("certificate", code, str(tmp_path / "c.pdf"),
                                                paper="Letter"))
    jobs.print_document(shop, SAM, PrintRequest("label", claim, str(tmp_path / "l.pdf"),
                                                paper="4x6in"))
    assert page_sizes((tmp_path / "c.pdf").read_bytes())[0] == (612.0, 792.0)
    assert page_sizes((tmp_path / "l.pdf").read_bytes()) == [(288.0, 432.0)]
    assert claim in pdf_text((tmp_path / "l.pdf").read_bytes())


def test_a_drop_off_ticket_prints_for_a_claim(
        shop: Database, claim: str, tmp_path: Path) -> None:
    done = jobs.print_document(shop, SAM, PrintRequest("ticket", claim, str(tmp_path / "t.bin"),
                                                       width_mm=58))
    assert done.delivered and done.message.startswith(f"Saved the claim ticket for {claim} to")
    assert claim.encode() in (tmp_path / "t.bin").read_bytes()


def test_a_drop_off_ticket_can_also_be_a_pdf(
        shop: Database, claim: str, tmp_path: Path) -> None:
    done = jobs.print_document(shop, SAM, PrintRequest("ticket", claim, str(tmp_path / "t.pdf")))
    assert done.delivered and done.job.media_type == PDF
    assert claim in pdf_text((tmp_path / "t.pdf").read_bytes())


def test_the_close_report_prints_for_a_day_on_the_roll_or_as_a_pdf(
        shop: Database, code: str, tmp_path: Path) -> None:
    roll = jobs.print_document(shop, SAM, PrintRequest("close_report", "2026-11-22",
                                                       str(tmp_path / "close.bin")))
    sheet = jobs.print_document(shop, SAM, PrintRequest("close_report", "2026-11-22",
                                                        str(tmp_path / "close.pdf"), paper="A5"))
    assert roll.delivered and roll.job.subject == "2026-11-22"
    assert (tmp_path / "close.bin").read_bytes().startswith(b"\x1b@")
    assert sheet.delivered and sheet.job.copy  # one close report per day; the PDF is a copy
    assert (tmp_path / "close.pdf").read_bytes().startswith(b"%PDF-")


# --- Refused before anything is recorded -------------------------------------------------------


@pytest.mark.parametrize(("document", "target", "advice"), [
    ("certificate", "tcp://10.0.0.7:9100", "A warranty certificate is a PDF page: send it to a "
                                           ".pdf file"),
    ("slip", "slip.pdf", "A warranty slip is for the receipt printer"),
    ("label", "serial://COM3", "A return label is a PDF for the label printer"),
])
def test_a_document_for_the_wrong_kind_of_printer_says_what_to_use(
        shop: Database, code: str, document: str, target: str, advice: str) -> None:
    with pytest.raises(BadInput, match=advice):
        jobs.print_document(shop, SAM, PrintRequest(document, code, target))
    assert print_jobs.history(shop) == ()


@pytest.mark.parametrize(("request_", "problem"), [
    (PrintRequest("slip", "X", "a.bin", width_mm=76), "A receipt roll is 58 or 80 mm wide, "
                                                      "not 76 mm."),
    (PrintRequest("slip", "X", "a.bin", paper="A4"), "which has no paper sizes"),
    (PrintRequest("close_report", "22/11/2026", "a.bin"), "'22/11/2026' is not a day: write "
                                                          "it like 2026-11-22."),
    (PrintRequest("receipt", "X", "a.bin"), "There is no document called 'receipt'"),
    (PrintRequest("slip", " ", "a.bin"), "Say which warranty slip to print."),
    (PrintRequest("slip", "X", "usb://1"), "is not a printer"),
    (PrintRequest("label", "X", "a.pdf", paper="A4"), "'A4' is not a label size: use 62x29mm "
                                                      "or 4x6in."),
    (PrintRequest("certificate", "X", "a.pdf", paper="A3"), "'A3' is not a paper size: use "
                                                            "A4, Letter, A5."),
    (PrintRequest("certificate", "X", "a.pdf", width_mm=58), "A roll width is for the receipt "
                                                             "printer"),
])
def test_bad_requests_are_refused_in_plain_words(
        shop: Database, code: str, request_: PrintRequest, problem: str,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput) as caught:
        jobs.print_document(shop, SAM, request_)
    assert problem in str(caught.value)
    assert print_jobs.history(shop) == ()


def test_an_unknown_warranty_code_is_not_found_and_nothing_is_queued(
        shop: Database, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="No warranty 'BR01-W-2026-999999'"):
        jobs.print_document(shop, SAM, _slip("BR01-W-2026-999999", tmp_path / "a.bin"))
    assert print_jobs.history(shop) == ()


# --- A printer that is not there ---------------------------------------------------------------


def test_a_file_in_a_folder_that_does_not_exist_is_refused_before_queueing(
        shop: Database, code: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "slip.bin"
    with pytest.raises(BadInput) as refused:
        jobs.print_document(shop, SAM, _slip(code, str(target)))
    assert str(refused.value).startswith(f"The folder {target.parent} does not exist")
    assert print_jobs.queued(shop) == () and print_jobs.history(shop) == ()


def test_a_queued_job_is_found_by_the_end_of_its_number(shop: Database, code: str) -> None:
    outcome = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{closed_port()}"))
    short = outcome.job.short_id
    assert outcome.job.id.endswith(short) and len(short) == 8
    cancelled = print_jobs.cancel(shop, SAM, short.upper(), "Printed by hand")
    assert (cancelled.id, cancelled.state) == (outcome.job.id, "cancelled")


def test_a_refusing_printer_leaves_the_slip_queued_with_its_reason(
        shop: Database, code: str) -> None:
    port = closed_port()
    outcome = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{port}"))
    assert outcome.delivered is False
    (queued,) = print_jobs.queued(shop)
    assert queued == outcome.job
    assert (queued.state, queued.attempts, queued.copy) == ("queued", 1, False)
    refused = (f"The receipt printer at 127.0.0.1:{port} refused the connection. Check it is "
               f"switched on and that {port} is its port.")
    assert queued.last_error == refused
    assert outcome.message == (f"{refused} The warranty slip for {code} waits in the print "
                               f"queue as job {queued.short_id}; retry it from the queue.")


def test_a_dropped_job_is_retried_and_the_printer_gets_the_same_bytes_once(
        shop: Database, code: str) -> None:
    with printer("drops") as dropping:
        port = dropping.port
        failed = jobs.print_document(shop, SAM, _slip(code, dropping.target))
    assert not failed.delivered and "dropped the connection" in failed.message
    _, kept = print_jobs.payload_of(shop, failed.job.id)
    assert code.encode() in kept
    with printer("prints", port=port) as good:
        done = jobs.retry(shop, ROSA, failed.job.id)
        assert good.wait_for_jobs(1) == [kept]
    assert done.delivered and done.message == f"Printed the warranty slip for {code}."
    assert (done.job.state, done.job.attempts, done.job.last_error) == ("printed", 2, None)
    assert print_jobs.queued(shop) == ()
    assert good.jobs == [kept]


def test_a_queued_job_keeps_what_was_asked_for_even_after_a_later_copy(
        shop: Database, code: str, tmp_path: Path) -> None:
    queued = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{closed_port()}"))
    later = jobs.print_document(shop, SAM, _slip(code, tmp_path / "later.bin"))
    assert (queued.job.copy, later.job.copy) == (False, True)
    assert b"COPY" not in print_jobs.payload_of(shop, queued.job.id)[1]


def test_retrying_a_printed_job_is_refused_in_plain_words(
        shop: Database, code: str, tmp_path: Path) -> None:
    done = jobs.print_document(shop, SAM, _slip(code, tmp_path / "a.bin"))
    with pytest.raises(BadInput) as caught:
        jobs.retry(shop, SAM, done.job.id)
    assert str(caught.value) == (f"The slip for {code} is printed; there is nothing left to "
                                 "send. Print it again to get a copy.")


def test_retrying_to_a_printer_still_off_counts_the_attempt(shop: Database, code: str) -> None:
    failed = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{closed_port()}"))
    again = jobs.retry(shop, SAM, failed.job.id)
    assert (again.delivered, again.job.attempts, again.job.state) == (False, 2, "queued")


def test_a_retry_goes_to_the_receipt_printer_set_up_now_and_a_saved_pdf_stays_put(
        shop: Database, code: str) -> None:
    wrong = closed_port()
    failed = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{wrong}"))
    _, kept = print_jobs.payload_of(shop, failed.job.id)
    with printer("prints") as right:
        corrected = PrinterSettings(receipt=right.target)
        assert jobs.goes_to(failed.job, corrected) == right.target
        assert jobs.goes_to(failed.job, None) == failed.job.target
        done = jobs.retry(shop, ROSA, failed.job.id, printers=corrected)
        assert right.wait_for_jobs(1) == [kept]
    assert done.delivered and (done.job.target, done.job.attempts) == (right.target, 2)
    ((who, details),) = audit_rows(shop, "print.send_to")
    assert who == "Rosa Store" and f"127.0.0.1:{wrong}" in details and right.target in details
    # A PDF saved to a file is not the receipt printer's: it keeps its own target.
    pdf = replace(failed.job, media_type=PDF, target="/srv/certificate.pdf")
    assert jobs.goes_to(pdf, corrected) == "/srv/certificate.pdf"


def test_a_retry_to_a_receipt_printer_that_is_not_a_printer_changes_nothing(
        shop: Database, code: str) -> None:
    failed = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{closed_port()}"))
    with pytest.raises(BadInput, match="the port must be a number"):
        jobs.retry(shop, SAM, failed.job.id, printers=PrinterSettings(receipt="tcp://x:99999"))
    assert print_jobs.queued(shop) == (failed.job,)


def test_cancelling_a_queued_job_needs_a_reason_and_is_audited(
        shop: Database, code: str) -> None:
    failed = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{closed_port()}"))
    with pytest.raises(BadInput, match="Say why the print is cancelled"):
        print_jobs.cancel(shop, ROSA, failed.job.id, "  ")
    cancelled = print_jobs.cancel(shop, ROSA, failed.job.id, "Printed by hand")
    assert cancelled.state == "cancelled" and print_jobs.queued(shop) == ()
    ((who, details),) = audit_rows(shop, "cancel_print")
    assert who == "Rosa Store" and "Printed by hand" in details
    with pytest.raises(BadInput, match="is cancelled; there is nothing left to send"):
        jobs.retry(shop, SAM, failed.job.id)


def test_a_cancelled_print_does_not_make_the_next_one_a_copy(
        shop: Database, code: str, tmp_path: Path) -> None:
    failed = jobs.print_document(shop, SAM, _slip(code, f"tcp://127.0.0.1:{closed_port()}"))
    print_jobs.cancel(shop, SAM, failed.job.id, "Wrong printer")
    assert jobs.print_document(shop, SAM, _slip(code, tmp_path / "a.bin")).job.copy is False


# --- The seam for other layouts ----------------------------------------------------------------


def test_render_document_names_the_media_type_for_the_target(
        shop: Database, code: str) -> None:
    data, media = render_document(shop, SAM, _slip(code, "tcp://10.0.0.7"), copy=False)
    assert media == ESCPOS and code.encode() in data
