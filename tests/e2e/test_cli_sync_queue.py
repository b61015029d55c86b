"""What the Sync panel settles, from the command line: refused records (`sync parked`, `retry`,
`dismiss`) and inbox items the till could not use (`sync inbox`, `inbox-done`), each decision
signed by a person and audited; the exit code says while anything waits for one. And the
catalogue sent to head office again (`sync catalogue`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sqlite_file
from tests.e2e.cli import TODAY, run
from tests.e2e.test_cli_sync import (  # noqa: F401  (fixtures)
    configure,
    demo_template,
    file_secrets,
    home,
    outbox_count,
)
from tests.liveportal.branch_view import BranchPortal
from tests.sync.engine_helpers import outbox_at

pytestmark = pytest.mark.slow

# The real portal's refusal: another branch holds the event's id already (BranchPortal.refuse).
REFUSAL = "was already sent by another branch"
ADMIN, ADMIN_PIN = "Adam Admin", "8888"
AT = "2026-11-22T09:00:00+00:00"


def signed(folder: Path, pin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A command a person answers for, with their PIN piped in as they would."""
    return subprocess.run(
        [sys.executable, "-m", "warranty_desk", "--home", str(folder), "--today", TODAY, *args],
        input=pin + "\n", capture_output=True, text=True, timeout=120, check=False)


def one(folder: Path, sql: str, *args: object) -> object:
    with sqlite_file(folder / "warranty-desk.sqlite3") as conn:
        return conn.execute(sql, args).fetchone()[0]


def claim_numbers(folder: Path) -> list[str]:
    with sqlite_file(folder / "warranty-desk.sqlite3") as conn:
        return [n for (n,) in conn.execute("SELECT number FROM claims ORDER BY number")]


def first_seq(folder: Path, number: str) -> int:
    seq = one(folder, "SELECT min(seq) FROM outbox_events WHERE aggregate_id = ?", number)
    assert isinstance(seq, int)
    return seq


def test_refused_records_are_listed_retried_and_dismissed_from_the_command_line(
    home: Path, portal: BranchPortal  # noqa: F811
) -> None:
    configure(home, portal)
    kept, dropped = claim_numbers(home)[:2]
    events = outbox_at(home / "warranty-desk.sqlite3")
    ids_of = {n: [e[1] for e in events if e[3] == n] for n in (kept, dropped)}
    portal.refuse(ids_of[kept] + ids_of[dropped])
    assert run(home, "sync").returncode == 1
    kept_seq, dropped_seq = first_seq(home, kept), first_seq(home, dropped)

    listed = run(home, "sync", "parked")
    assert listed.returncode == 1, listed.stderr
    line = next(x for x in listed.stdout.splitlines() if x.strip().startswith(f"{kept_seq} "))
    assert "head office" in line and "claim.opened" in line and f"claim {kept}" in line
    assert "refused: Event id" in line and REFUSAL in line
    body = json.loads(run(home, "sync", "parked", "--json").stdout)
    mine = [p for p in body["parked"] if p["seq"] == kept_seq]
    assert mine and mine[0]["topic"] == "claim.opened" and REFUSAL in mine[0]["reason"]

    # Only someone who may manage sync, with their own PIN, decides.
    wrong = signed(home, "0000", "sync", "retry", str(kept_seq), "--staff", ADMIN)
    assert wrong.returncode != 0 and "PIN" in wrong.stderr
    sales = signed(home, "1111", "sync", "retry", str(kept_seq), "--staff", "Sam Sales")
    assert sales.returncode != 0 and "may not manage sync" in sales.stderr
    assert run(home, "sync", "retry", "nine", "--staff", ADMIN).returncode == 2

    portal.accept(ids_of[kept])
    retried = signed(home, ADMIN_PIN, "sync", "retry", str(kept_seq), "--staff", ADMIN)
    assert retried.returncode == 0, retried.stderr
    assert f"Event {kept_seq}" in retried.stdout and "again with the next sync" in retried.stdout
    dismissed = signed(home, ADMIN_PIN, "sync", "dismiss", f"portal:{dropped_seq}", "--reason",
                       "Entered by hand at head office", "--staff", ADMIN)
    assert dismissed.returncode == 0, dismissed.stderr
    assert one(home, "SELECT count(*) FROM audit_entries WHERE action = 'sync.retry' AND "
                     "actor_name = ?", ADMIN) == 1
    assert one(home, "SELECT count(*) FROM audit_entries WHERE action = 'sync.dismiss' AND "
                     "actor_name = ? AND details LIKE '%Entered by hand%'", ADMIN) == 1

    # Head office entered the dismissed one by hand: the rest of that claim goes after it.
    portal.accept(ids_of[dropped])
    done = run(home, "sync")
    assert done.returncode == 0, done.stdout
    assert kept in {e["aggregate_id"] for e in portal.events.values()}
    sent_seqs = {e["seq"] for e in portal.events.values()}
    assert kept_seq in sent_seqs and dropped_seq not in sent_seqs
    assert len(sent_seqs) == outbox_count(home) - 1
    after = run(home, "sync", "parked")
    assert after.returncode == 0 and after.stdout.startswith("Nothing refused")


def test_an_inbox_item_that_could_not_be_used_keeps_the_exit_code_at_1_until_dealt_with(
    home: Path, portal: BranchPortal  # noqa: F811
) -> None:
    configure(home, portal)
    portal.queue_items([{"id": "web-77", "kind": "claim_started", "created_at": AT,
                         "payload": {"fault": "Dead", "customer": {"name": "Grace Hopper"}}}])
    first = run(home, "sync")
    assert first.returncode == 1, first.stdout
    said = "1 inbox item from head office could not be used and waits for a person"
    assert said in first.stdout
    # Said again at every sync, not once and forgotten.
    again = run(home, "sync")
    assert again.returncode == 1 and said in again.stdout

    listed = run(home, "sync", "inbox")
    assert listed.returncode == 1
    assert "web-77  claim started  could not be used: the customer claimed on a sale this " \
           "branch does not know" in listed.stdout
    assert json.loads(run(home, "sync", "inbox", "--json").stdout)["items"][0]["item_id"] == (
        "web-77")

    marked = signed(home, ADMIN_PIN, "sync", "inbox-done", "web-77", "--note",
                    "Called Grace; claim started at the counter", "--staff", ADMIN)
    assert marked.returncode == 0, marked.stderr
    assert one(home, "SELECT count(*) FROM audit_entries WHERE action = 'sync.inbox_handled' "
                     "AND actor_name = ? AND details LIKE '%Called Grace%'", ADMIN) == 1
    assert run(home, "sync", "inbox").returncode == 0
    clean = run(home, "sync")
    assert clean.returncode == 0 and "inbox item" not in clean.stdout.replace(
        "pulled 0 inbox items", "")


def test_the_catalogue_goes_to_head_office_again_on_an_owners_word(
    home: Path,  # noqa: F811
) -> None:
    products = one(home, "SELECT count(*) FROM products")
    policies = one(home, "SELECT count(*) FROM policies")
    before = outbox_count(home)
    refused = signed(home, "1111", "sync", "catalogue", "--staff", "Sam Sales")
    assert refused.returncode != 0 and outbox_count(home) == before
    done = signed(home, "7777", "sync", "catalogue", "--staff", "Olive Owner")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (f"The catalogue ({products} products, with every policy and "
                                   "plan) goes to head office at the next sync.")
    with sqlite_file(home / "warranty-desk.sqlite3") as conn:
        sent = [json.loads(p) for (p,) in conn.execute(
            "SELECT payload FROM outbox_events WHERE seq > (SELECT max(seq) - ? FROM "
            "outbox_events) AND topic = 'catalogue.products_added'", (outbox_count(home)
                                                                       - before,))]
        resent = conn.execute("SELECT count(*) FROM outbox_events WHERE topic = "
                              "'catalogue.policy_updated'").fetchone()[0]
        audited = conn.execute("SELECT count(*) FROM audit_entries WHERE action = "
                               "'catalogue.resend'").fetchone()[0]
    assert sum(len(e["products"]) for e in sent) == products
    assert all(p["policy_ref"] and p["brand"] for e in sent for p in e["products"])
    assert resent == 2 * policies and audited == 1
