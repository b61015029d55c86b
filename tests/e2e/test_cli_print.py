"""`warranty-desk print` end to end: a real process, a demo shop, files and a loopback printer."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tests.e2e.cli import TODAY, run
from tests.printing.pdf_tools import text as pdf_text
from tests.printing.printer_servers import closed_port, printer
from warranty_desk import config
from warranty_desk.storage.home import Home


@pytest.fixture(scope="module")
def codes(demo_home: Path) -> list[str]:
    """Warranty codes of the demo shop; each test prints its own so copies do not mix."""
    rows = json.loads(run(demo_home, "report", "warranties", "--json").stdout)["warranties"]
    return [r["code"] for r in rows if r["status"] != "void"]


def _claim_numbers(home: Path) -> list[str]:
    conn = sqlite3.connect(home / "warranty-desk.sqlite3")
    try:
        return [r[0] for r in conn.execute("SELECT number FROM claims ORDER BY number")]
    finally:
        conn.close()


def test_a_slip_to_a_file_prints_then_a_second_one_says_copy(
        demo_home: Path, codes: list[str], tmp_path: Path) -> None:
    code, out = codes[0], tmp_path / "slip.bin"
    done = run(demo_home, "print", "slip", code, "--to", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Saved the warranty slip for {code} to {out}.\n"
    assert code.encode() in out.read_bytes() and b"COPY" not in out.read_bytes()
    again = run(demo_home, "print", "slip", code.lower(), "--to", str(out), "--width", "58",
                "--json")
    assert again.returncode == 0, again.stderr
    outcome = json.loads(again.stdout)
    assert outcome["delivered"] is True and outcome["job"]["copy"] is True
    assert outcome["job"]["requested_by"] == "command line"
    assert b"COPY" in out.read_bytes()


def test_a_certificate_to_a_pdf_file_carries_the_warranty_code(
        demo_home: Path, codes: list[str], tmp_path: Path) -> None:
    out = tmp_path / "certificate.pdf"
    done = run(demo_home, "print", "certificate", codes[1], "--to", str(out), "--paper", "Letter")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert codes[1] in pdf_text(out.read_bytes())


def test_a_claim_ticket_goes_to_a_network_printer(demo_home: Path) -> None:
    number = _claim_numbers(demo_home)[0]
    with printer("prints") as server:
        done = run(demo_home, "print", "ticket", number, "--to", server.target)
        assert done.returncode == 0, done.stderr
        (job,) = server.wait_for_jobs(1)
    assert done.stdout == f"Printed the claim ticket for {number}.\n"
    assert number.encode() in job


def test_a_return_label_and_a_pdf_ticket_print_as_pdfs(demo_home: Path, tmp_path: Path) -> None:
    number = _claim_numbers(demo_home)[1]
    for document, extra in (("label", ["--paper", "4x6in"]), ("ticket", [])):
        out = tmp_path / f"{document}.pdf"
        done = run(demo_home, "print", document, number, "--to", str(out), *extra)
        assert done.returncode == 0, done.stderr
        assert number in pdf_text(out.read_bytes())


def test_the_close_report_prints_for_today(demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "close.bin"
    done = run(demo_home, "print", "close-report", "today", "--to", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Saved the close report for {TODAY} to {out}.\n"
    assert out.read_bytes().startswith(b"\x1b@")


def test_an_offline_printer_exits_1_keeps_the_job_and_retry_prints_it(
        demo_home: Path, codes: list[str]) -> None:
    code, port = codes[2], closed_port()
    done = run(demo_home, "print", "slip", code, "--to", f"tcp://127.0.0.1:{port}")
    assert done.returncode == 1 and done.stdout == ""
    assert f"The receipt printer at 127.0.0.1:{port} refused the connection." in done.stderr
    queued = json.loads(run(demo_home, "print", "queue", "--json").stdout)["queued"]
    (job,) = [j for j in queued if j["subject"] == code]
    # People see and type the short id; the whole one stays in the JSON.
    short = job["short_id"]
    assert len(short) == 8 and job["id"].endswith(short)
    assert done.stderr.rstrip().endswith(
        f"To retry: warranty-desk --home {demo_home} print retry {short}")
    assert f"waits in the print queue as job {short};" in done.stderr
    assert job["target"] == f"tcp://127.0.0.1:{port}" and job["attempts"] == 1
    listed = run(demo_home, "print", "queue").stdout
    line = next(x for x in listed.splitlines() if code in x)
    assert line.startswith(f"{short}  ") and job["id"] not in listed
    assert "refused the connection" in line
    with printer("prints", port=port) as server:
        retried = run(demo_home, "print", "retry", short)
        assert retried.returncode == 0, retried.stderr
        (sent,) = server.wait_for_jobs(1)
    assert retried.stdout == f"Printed the warranty slip for {code}.\n"
    assert code.encode() in sent and server.jobs == [sent]
    again = run(demo_home, "print", "retry", job["id"])
    assert again.returncode == 2 and "is printed; there is nothing left to send" in again.stderr


def test_retry_sends_a_receipt_to_the_receipt_printer_set_up_now(
        demo_home: Path, codes: list[str]) -> None:
    code = codes[4]
    assert run(demo_home, "print", "slip", code, "--to",
               f"tcp://127.0.0.1:{closed_port()}").returncode == 1
    (job,) = [j for j in json.loads(run(demo_home, "print", "queue", "--json").stdout)["queued"]
              if j["subject"] == code]
    home = Home(demo_home)
    settings = config.load(home).settings
    with printer("prints") as corrected:
        config.save(home, replace(settings, printers=replace(settings.printers,
                                                             receipt=corrected.target)))
        try:
            retried = run(demo_home, "print", "retry", job["short_id"])
        finally:
            config.save(home, settings)  # the module's other tests print without one
        assert retried.returncode == 0, retried.stderr
        (sent,) = corrected.wait_for_jobs(1)
    assert code.encode() in sent


def test_a_queued_job_can_be_cancelled_with_a_reason(
        demo_home: Path, codes: list[str]) -> None:
    code = codes[3]
    assert run(demo_home, "print", "slip", code, "--to",
               f"tcp://127.0.0.1:{closed_port()}").returncode == 1
    queued = json.loads(run(demo_home, "print", "queue", "--json").stdout)["queued"]
    (job,) = [j for j in queued if j["subject"] == code]
    done = run(demo_home, "print", "cancel", job["short_id"].upper(), "--reason",
               "Printed by hand")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Cancelled the slip for {code}.\n"
    left = json.loads(run(demo_home, "print", "queue", "--json").stdout)["queued"]
    assert job["id"] not in [j["id"] for j in left]


@pytest.mark.parametrize(("args", "message"), [
    (["certificate", "{code}", "--to", "tcp://10.0.0.7:9100"],
     "A warranty certificate is a PDF page"),
    (["slip", "{code}", "--to", "{tmp}/slip.pdf"], "A warranty slip is for the receipt printer"),
    (["slip", "{code}", "--to", "lpt://1"], "'lpt://1' is not a printer"),
    (["slip", "{code}", "--to", "{tmp}/a.bin", "--width", "76"], "58 or 80 mm wide"),
    (["certificate", "{code}", "--to", "{tmp}/c.pdf", "--paper", "A3"],
     "'A3' is not a paper size"),
    (["close-report", "yesterday", "--to", "{tmp}/c.bin"], "'yesterday' is not a day"),
    (["slip", "{code}"], "the following arguments are required: --to"),
    (["certificate", "{code}", "--to", "{tmp}/no-such-folder/c.pdf"],
     "The folder {tmp}/no-such-folder does not exist, so the warranty certificate cannot be "
     "saved there. Create the folder first"),
])
def test_bad_input_exits_2_in_plain_words_and_queues_nothing(
        demo_home: Path, codes: list[str], tmp_path: Path, args: list[str],
        message: str) -> None:
    argv = [a.format(code=codes[4], tmp=tmp_path) for a in args]
    done = run(demo_home, "print", *argv)
    assert done.returncode == 2
    assert message.format(tmp=tmp_path) in done.stderr
    assert "Traceback" not in done.stderr
    queued = json.loads(run(demo_home, "print", "queue", "--json").stdout)["queued"]
    assert codes[4] not in [j["subject"] for j in queued]
    assert list(tmp_path.iterdir()) == []


def test_a_job_number_that_is_no_job_is_refused_in_plain_words(demo_home: Path) -> None:
    done = run(demo_home, "print", "retry", "zz-top")
    assert done.returncode == 2 and "'zz-top' is not a print job number" in done.stderr
    missing = run(demo_home, "print", "retry", "0000dead")
    assert missing.returncode == 1 and "There is no print job 0000dead" in missing.stderr


def test_an_unknown_code_exits_1_and_says_what_to_do(demo_home: Path, tmp_path: Path) -> None:
    done = run(demo_home, "print", "slip", "BR01-W-2026-999999", "--to", str(tmp_path / "a.bin"))
    assert done.returncode == 1
    assert "No warranty 'BR01-W-2026-999999'" in done.stderr


def test_a_message_prints_as_a_letter_and_is_delivered_by_hand(
        demo_home: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(demo_home / "warranty-desk.sqlite3")
    try:
        message_id, subject = conn.execute(
            "SELECT lower(hex(id)), subject FROM customer_messages WHERE direction = 'outbound' "
            "AND state IN ('queued', 'failed') ORDER BY created_at LIMIT 1").fetchone()
    finally:
        conn.close()
    out = tmp_path / "letter.pdf"
    done = run(demo_home, "print", "letter", message_id, "--to", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Saved the letter (message {message_id[-8:]}) to {out}.\n"
    assert subject in pdf_text(out.read_bytes())
    conn = sqlite3.connect(demo_home / "warranty-desk.sqlite3")
    try:
        state = conn.execute("SELECT channel, state, reason FROM customer_messages "
                             "WHERE lower(hex(id)) = ?", (message_id,)).fetchone()
    finally:
        conn.close()
    assert state == ("letter", "delivered", "printed by command line")
    wrong = run(demo_home, "print", "letter", "not-a-message", "--to", str(tmp_path / "x.pdf"))
    assert wrong.returncode == 2 and "is not a message on this till" in wrong.stderr


def test_a_handover_receipt_for_a_unit_not_handed_back_says_so(demo_home: Path,
                                                               tmp_path: Path) -> None:
    number = _claim_numbers(demo_home)[-1]
    done = run(demo_home, "print", "handover", number, "--to", str(tmp_path / "hb.bin"))
    assert done.returncode != 0
    assert f"Claim {number}'s unit has not been handed back yet" in done.stderr
    assert not (tmp_path / "hb.bin").exists()
