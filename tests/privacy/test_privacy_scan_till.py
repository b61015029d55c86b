"""The till keeps no secret where it does not belong: after a realistic session (the demo shop,
a staff PIN, a sync with its branch token, a signed CRM webhook, mail and SMS passwords, and a
card number typed into a claim, a note, a customer's name, a decision, a cost, a reply and a
brand claim), no token, PIN, secret or
card-like number is in the database outside hashes, in the logs or in any export."""

from __future__ import annotations

import csv
import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import actor, pinned_clock
from tests.e2e.cli import TODAY, run
from tests.liveportal.branch_view import BranchPortal
from tests.privacy.scanner import Scan, scan_files, scan_sqlite
from tests.sync.webhook_receiver import webhook_receiver
from tests.unit.services.helpers import inspect
from warranty_desk.errors import BadInput, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.services import report_registry
from warranty_desk.storage.database import Database

pytestmark = pytest.mark.slow

WEBHOOK_SECRET = "s20-crm-webhook-7Hq2vN9xK4mP8rT3wY"
SMTP_PASSWORD = "s20-smtp-Pa55-9rT3wYq2vN"
SMS_TOKEN = "s20-sms-token-4mP8rT3wYq2vN9x"
PIN = "80417263"
WRONG_PIN = "59173046"
# Luhn-valid, as a customer reads it off a card: in groups, and with dashes.
CARD = "4929 1803 5544 7269"
CARD_DASHED = "5500-0055-5555-5559"
# A 16-digit serial that passes Luhn by chance: it belongs in warranties.serial.
LUHN_SERIAL = "4000000000000002"
# Columns that hold identifiers by design: a Luhn hit there is a serial, barcode or number
# the shop prints, listed as explained.
IDENTIFIERS = {("warranties", "serial"), ("products", "gtin"), ("claims", "serial"),
               ("sales", "invoice_number")}
# Every report of the registry (and the register) is exported as CSV; these also as the PDF a
# manager prints: the ones that carry what people typed, and a metric report.
PDF_REPORTS = ("open-claims", "exception-notes", "claims-by-brand", "patterns",
               "stale-brand-claims", "trust-score")
HASHES = {("staff", "pin_hash"), ("audit_entries", "hash"), ("audit_entries", "prev_hash")}


def typed(home: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """warranty-desk with a PIN or a secret typed on stdin, as a person pipes it in."""
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(home), "--today", TODAY, *args],
        input=stdin + "\n", capture_output=True, text=True, timeout=120, check=False)


def set_secret(home: Path, name: str, value: str) -> None:
    done = typed(home, value, "config", "set-secret", name)
    assert done.returncode == 0, done.stderr


def ok(home: Path, *args: str) -> str:
    done = run(home, *args)
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout


@pytest.fixture(autouse=True)
def file_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets in the home's owner-only file, which the scan leaves alone (it is their place)."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


def _counter_work(home: Path) -> str:
    """What staff do at the counter, in this process on the till's database."""
    from warranty_desk.services import activation, claims, staff

    db = Database(home / "warranty-desk.sqlite3", clock=pinned_clock())
    try:
        manager = actor(Role.MANAGER)
        staff.create_staff(db, actor(Role.OWNER), "Pat Planted", Role.SALES, PIN)
        with pytest.raises(BadInput):
            staff.sign_in(db, "Pat Planted", WRONG_PIN)
        staff.sign_in(db, "Pat Planted", PIN)
        conn = sqlite3.connect(db.path)
        codes = [r[0] for r in conn.execute(
            "SELECT code FROM warranties ORDER BY rowid DESC")]
        conn.close()
        for code in codes:
            try:
                started = claims.start_claim(db, manager, claims.StartClaim(
                    code, f"Screen cracked. Customer paid with card {CARD}, refund to it.",
                    accessories=f"charger, receipt with {CARD_DASHED}"))
            except (RuleBlocked, BadInput):
                continue
            _typed_on_the_claim(db, started.number)
            activation.void_warranty(db, manager, next(c for c in codes if c != code),
                                     f"Refunded at the till to {CARD_DASHED}")
            return started.number
        raise AssertionError("no warranty of the demo shop takes a claim")
    finally:
        db.dispose()


def _typed_on_the_claim(db: Database, number: str) -> None:
    """A card number read out and typed into the claim's decision and reopen reasons, a cost's
    description, a reply to the customer and the brand claim's notes."""
    from warranty_desk.rules.claim_states import Outcome
    from warranty_desk.services import brand_claims, claim_messages, decisions

    manager = actor(Role.MANAGER)
    inspect(db, number)
    decisions.decide(db, manager, number, decisions.Decision(
        Outcome.REJECT, f"Dropped; the customer gave {CARD} for the fee"))
    decisions.reopen(db, manager, number, f"Receipt with {CARD_DASHED} turned up")
    decisions.post_cost(db, manager, number, decisions.CostLine(
        "parts", 4_500, f"screen, paid on {CARD}", recoverable=True))
    claim_messages.reply(db, actor(Role.SUPPORT), number, f"We will refund {CARD} today.")
    lodged = brand_claims.open_brand_claim(db, actor(Role.STOREKEEPER), [number],
                                           note=f"Fee paid on {CARD_DASHED}")
    brand_claims.update_status(db, manager, lodged.number, "acknowledged",
                               note=f"Brand asked for {CARD}")


def _import_file(home: Path, folder: Path) -> Path:
    """A POS export whose customer typed a card number into the name field, and whose unit has
    a serial that passes Luhn by chance."""
    conn = sqlite3.connect(home / "warranty-desk.sqlite3")
    (sku,) = conn.execute("SELECT sku FROM products WHERE serial_required ORDER BY sku").fetchone()
    conn.close()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["invoice_number", "sold_on", "sku", "quantity", "unit_price", "serials",
                     "customer_name", "customer_phone"])
    writer.writerow(["S20-0001", TODAY, sku, "1", "499.00", LUHN_SERIAL,
                     f"Ann Planted {CARD_DASHED}", "07700 900417"])
    path = folder / "pos.csv"
    path.write_text(buffer.getvalue(), "utf-8")
    return path


def test_a_realistic_session_leaves_no_secret_or_card_number_behind(
    tmp_path: Path, portal: BranchPortal,
) -> None:
    home = tmp_path / "home"
    ok(home, "init", "--demo")
    ok(home, "import", "invoices", str(_import_file(home, tmp_path)))
    number = _counter_work(home)
    note = ("claim", "note", str(number), f"Customer read out {CARD} again; told them no.",
            "--staff", "Tariq Tech")
    assert typed(home, WRONG_PIN, *note).returncode != 0
    done = typed(home, "3333", *note)
    assert done.returncode == 0, done.stderr
    with webhook_receiver(WEBHOOK_SECRET) as crm:
        ok(home, "config", "set", "sync.portal_url", portal.url)
        set_secret(home, "portal-token", portal.token)
        ok(home, "config", "set", "sync.crm_url", crm.url)
        ok(home, "config", "set", "sync.crm", "webhook")
        set_secret(home, "webhook-secret", WEBHOOK_SECRET)
        set_secret(home, "smtp-password", SMTP_PASSWORD)
        set_secret(home, "sms-token", SMS_TOKEN)
        run(home, "sync")
        run(home, "sync", "--json")
    exports = tmp_path / "exports"
    exports.mkdir()
    # Every report in the registry, through the command line's own code, in one child process.
    done = subprocess.run(
        [sys.executable, "-m", "tests.privacy.export_reports", str(home), str(exports), TODAY,
         *PDF_REPORTS], capture_output=True, text=True, timeout=300, check=False,
        cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert {p.name for p in exports.iterdir()} == {
        *(f"{name}.csv" for name in ("warranties", *report_registry.REPORTS)),
        *(f"{name}.pdf" for name in PDF_REPORTS)}
    assert all(p.stat().st_size for p in exports.iterdir()), "an export is empty"
    ok(home, "backup", str(exports / "backup.sqlite3"))

    secrets = {"branch token": portal.token, "CRM webhook secret": WEBHOOK_SECRET,
               "mail password": SMTP_PASSWORD, "SMS token": SMS_TOKEN, "staff PIN": PIN,
               "wrong PIN typed": WRONG_PIN, "card number": CARD, "dashed card number": CARD_DASHED,
               **{f"card digits {n}": c.replace(" ", "").replace("-", "")
                  for n, c in enumerate((CARD, CARD_DASHED))}}
    scan = Scan()
    scan_sqlite(scan, home / "warranty-desk.sqlite3", secrets, IDENTIFIERS, HASHES)
    scan_sqlite(scan, exports / "backup.sqlite3", secrets, IDENTIFIERS, HASHES)
    scan_files(scan, sorted((home / "logs").iterdir()), secrets)
    scan_files(scan, sorted(p for p in exports.iterdir() if p.suffix in (".csv", ".pdf")),
               secrets)
    print(f"till scan: {scan.places} places, {len(scan.leaks)} leaks, "
          f"{len(scan.explained)} explained hits: {scan.explained[:10]}")
    if scan.leaks:  # every one, not the head of a truncated diff
        pytest.fail(f"{len(scan.leaks)} leaks:\n" + "\n".join(scan.leaks), pytrace=False)
    # The masking left words saying what happened, with only the last four digits.
    conn = sqlite3.connect(home / "warranty-desk.sqlite3")
    fault = conn.execute("SELECT fault FROM claims WHERE number = ?", (number,)).fetchone()[0]
    conn.close()
    assert "[card number removed, ending 7269]" in fault
    # The Luhn-valid serial is found, and told apart by where it stands, not dropped.
    assert "warranties.serial: ending 0002" in scan.explained
