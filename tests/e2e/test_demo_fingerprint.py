"""The demo shop, row for row: `init --demo` then `demo-data` write exactly what they wrote before.

Each table is dumped in insertion order and hashed. Keys are UUIDv7 (time and random bits), so
each key is written as its rank among all the keys of the shop: a row keeps its place and
every reference to it, but two runs need not share the random bits. PIN hashes (a random salt)
and the audit chain's hashes (over those keys) are left out; the chain is verified elsewhere
(tests/unit/test_demo.py). The evidence files are hashed as they lie in the documents folder.

The digests were taken from the demo shop as it was before the generator moved out of the
services. If you change what the demo writes on purpose, print the new ones with
`python -m tests.e2e.test_demo_fingerprint HOME` on a shop built by the commands below, paste
them here, and bump GENERATOR_VERSION in tests/bench/shop.py if the bulk generator changed,
so benchmarks rebuild their shop.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.e2e.cli import run

_KEY_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
# Random salts, and hashes over the random bits of keys.
_LEFT_OUT = {("audit_entries", "hash"), ("audit_entries", "prev_hash"), ("staff", "pin_hash")}
# The search tables' own storage follows from the rows they index, which are dumped.
_FTS_STORAGE = re.compile(r"_fts_(config|data|docsize|idx|content)$")
# The schema's revision is no row the demo writes (test_storage checks it is the newest).
_NOT_DEMO_ROWS = {"alembic_version"}
# Columns and tables migrations added after the digests were taken. Left out while they hold
# only their empty default (the demo does not write them), so a new column alone does not
# change a digest; a value the demo does write in one is dumped, and the digest changes.
_ADDED_COLUMNS = {("claims", "claimant_name"), ("claims", "claimant_phone"),
                  ("inbox_applied", "handled_at"), ("inbox_applied", "handled_by"),
                  ("inbox_applied", "handled_note"),
                  # 0014: delivery state, written only when a message is sent or fails.
                  ("customer_messages", "channel"), ("customer_messages", "server_id"),
                  ("customer_messages", "reason"), ("customer_messages", "attempts"),
                  ("customer_messages", "state_at"), ("customers", "email_undeliverable"),
                  # 0015: consent to reminders, and when staff read a customer's message.
                  ("customers", "reminders_agreed_at"), ("customers", "reminders_withdrawn_at"),
                  ("customer_messages", "read_at"),
                  # 0016: a claim's backup, set only when a manager chooses one.
                  ("claims", "backup_id")}
_ADDED_TABLES = {"sync_delivered", "warranty_reminders"}
_EMPTY = (None, "", 0)

DIGESTS: dict[str, str] = {
    # The schema at 0012 (branch epochs, PIN lock steps); a refund decided on a claim voids its
    # warranty with the audit entry and warranty.voided event every other void has. The demo is
    # a UK shop: pounds, en_GB, the shop's UK phone and address (one more audit entry and
    # outbox event, shop.updated), and its letters are whole paragraphs. At 0013 each
    # extension plan has a code (CARE-12), made from its name, and adding a plan tells head
    # office its code (a catalogue.plan_updated event each: every later key's rank moves).
    # That event carries the plan's terms, and each warranty card the unit's category and
    # price: the customer portal offers plans by the till's own rule. At 0015 the story's
    # claim letters are in each customer's register (VIP, business, reseller, retail), each
    # policy lets staff reword a message, and the shop reminds 30 days before a warranty ends.
    # Event ids and the branch epoch are dated by the shop's clock (the demo's history), so
    # they are named by their row, not ranked with the row keys: every key's name changed.
    # Each new policy tells head office its terms (catalogue.policy_updated) and each warranty
    # card names its policy.
    # Adding a policy tells head office its terms (a catalogue.policy_updated event each),
    # and each warranty card names its policy: the portal shows the till's terms.
    # At 0016 every claim has an owner: whoever opened it, and for a claim a customer started
    # online the manager gives it to support with themself as backup (an "owners" line on its
    # timeline and an audit entry); the generated claims are owned by their opener until the
    # technician takes them. Every claim event names its owner and backup. The story ends with
    # this morning's run of the retention rules: its customers with a rejected claim, two
    # claims in a year or a claim open over 30 days get a follow-up and their flag (audit
    # entries, customer.updated events).
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': '8a1a4d31d8855500f80c2f4dccd6b353891077a4c391b8415c7d159ac324192c',
    'branch_epochs': '259d5450977f661bf98aee59bfa4d328be61f178800b2dbffd791fdc3cfc81c2',
    'brand_claims': '40e00dd4e3380c5256ff5cc23d6024b872554a3af3ce783e6a893712482ebf8e',
    'brands': '80970845bf7f0fdbf61ccb037e0f03fc94db188d343c1ab4fe3e5efd74357bc1',
    'claim_events': '564785f6b4cf13ab828ad9d15518e1bc9d684042a0a55a1908829b00c59b4aa2',
    'claims': '36b9802098b94b95da42650b9213659d77d7370653ee8f3ccf07f72e2491ea2d',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': 'e2b55dd01e08697aa03cf0f07ad41bad5b449113bef88bbea9f334d164a30817',
    'customer_messages': '873ef22bf3c11778d40fa93a17a10b7141d270add6d62af3916dae6860f46bc6',
    'customers': 'd0c4fedca2aba4a09f39c68f6567172eefe10e86a3fe2fbe3a57941035308ed9',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': '7563f22fa4610ecea3519886903fa30a7f969ee2aeb6db6f787ce783b885ccba',
    'exception_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'extension_offers': 'e40b5bf11641a9d45b0ea6e9c7669cadfe332ffd2641bd780cad166df384f438',
    'extension_plans': 'd4b43a00886fde4e24e3e30988d100dc28dd1caf296a5802c1fdde08e8b73d9a',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '3f617410667cd44e1e64da8b055921f06d7f154f11f6591b792f41b1dc56c9de',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': 'dbef2d9d53c823a7ac526d6f2afa86da5e7360f1ab94b43169b69fb31718ef85',
    'policies': '30df7d8fe2c1f2febe6f601712b7897f50243c96403aa29add7adf721ff264f4',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '7b7c29ea15484880b38d485681cf6a0c4a153329ae045921c01864913ac86e85',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'retention_follow_ups': '9dc27d6c50321c879f778f1205aeda0279aebd11b25360eae3240c5cf9a9b662',
    'sales': 'd112ff57ffdf7dfdcd03ecb3c58e640e7b5568d4363e1cf342732c85130c30f2',
    'settlements': '115675ea9d64554ee0101954559d7449c784eb05366e8684fc3abe836edeeb88',
    'shop': 'b9adea67c706cfc803ec239a1ce0d5dcab70b1bf31cdbddfbde30f300419fab7',
    'staff': '83639f86ac95404d8be59baf9dfc782eb510d1dc031d8f7f6988c792e43a2e85',
    'stock_movements': 'ae9fde51c5d6d14fab77471e2bea80c50871804fcd2019001d82eef727358994',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': '5afa12af439dff079ad8c49799883dc90b72cb24549e4fe2364f3a966591abed',
    'warranty_layers': '18bd9144bb9608abd01d66aa906d5c7d9dd01b6f7be925f725f35349b86ae1b6',
    'documents folder': '9c585a36583ba963e1076eba1ceb16276b05efe9b26b65d8d7a099e3ba8800e1',
}


# Event ids (and the branch epoch, sent with them) are dated by the shop's clock, which the
# demo moves through its history; row keys by the machine's. The two do not sort together, so
# an event id is named by its row's place in its table instead, whatever the machine's clock.
_EVENT_IDS = {"outbox_events": ("id", "seq"), "branch_epochs": ("epoch", "n")}


def _key_ranks(conn: sqlite3.Connection, tables: list[str]) -> dict[bytes | str, str]:
    """Every 16-byte key in the shop named for where it was made: a row key by its rank in
    UUIDv7 sort order (the order keys were made), an event id by its row."""
    names: dict[bytes, str] = {}
    for table, (column, order) in _EVENT_IDS.items():
        for n, (key,) in enumerate(conn.execute(
                f"SELECT {column} FROM {table} ORDER BY {order}")):
            names[bytes(key)] = f"{table}@{n}"
    keys = {value for table in tables for row in conn.execute(f"SELECT * FROM {table}")
            for value in row if isinstance(value, bytes) and len(value) == 16} - names.keys()
    names.update((key, f"#{n}") for n, key in enumerate(sorted(keys)))
    ranks: dict[bytes | str, str] = {}
    for key, name in names.items():
        h = key.hex()
        ranks[key] = ranks[h] = ranks[f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"] = name
    return ranks


def _order_by(conn: sqlite3.Connection, table: str) -> str:
    """Insertion order: the rowid, or for a table without one its UUIDv7 key."""
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    if "WITHOUT ROWID" not in sql.upper():
        return "rowid"
    info = sorted((r for r in conn.execute(f"PRAGMA table_info({table})") if r[5]),
                  key=lambda r: r[5])
    return ", ".join(r[1] for r in info)


def dump(home: Path) -> dict[str, list[str]]:
    """Every table of the shop in `home` as JSON lines, keys by rank; and the evidence files."""
    conn = sqlite3.connect(home / "warranty-desk.sqlite3")
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                  if not _FTS_STORAGE.search(name) and name not in _NOT_DEMO_ROWS]
        ranks = _key_ranks(conn, tables)

        def plain(table: str, column: str, value: object) -> object:
            if (table, column) in _LEFT_OUT:
                return "-"
            if isinstance(value, bytes):
                return ranks[value] if value in ranks else value.hex()
            if isinstance(value, str):
                return _KEY_TEXT.sub(lambda m: ranks.get(m[0], m[0]), value)
            return value

        out: dict[str, list[str]] = {}
        for table in tables:
            cursor = conn.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid"
                                  if table.endswith("_fts") else
                                  f"SELECT * FROM {table} ORDER BY {_order_by(conn, table)}")
            columns = [d[0] for d in cursor.description]
            out[table] = [json.dumps([plain(table, c, v) for c, v in zip(columns, row,
                                                                         strict=True)
                                      if (table, c) not in _ADDED_COLUMNS or v not in _EMPTY],
                                     ensure_ascii=False) for row in cursor]
            if table in _ADDED_TABLES and not out[table]:
                del out[table]
    finally:
        conn.close()
    documents = home / "documents"
    out["documents folder"] = sorted(
        f"{p.relative_to(documents)} {hashlib.sha256(p.read_bytes()).hexdigest()}"
        for p in documents.rglob("*") if p.is_file())
    return out


def digests(home: Path) -> dict[str, str]:
    """One SHA-256 a table (and one for the evidence files) of the dumped shop."""
    return {table: hashlib.sha256("\n".join(rows).encode()).hexdigest()
            for table, rows in dump(home).items()}


@pytest.mark.slow
def test_the_demo_shop_and_the_generated_shop_are_row_for_row_what_they_were(
        tmp_path: Path) -> None:
    home = tmp_path / "home"
    built = run(home, "init", "--demo")
    assert built.returncode == 0, built.stderr
    generated = run(home, "demo-data", "--warranties", "3000", "--seed", "7")
    assert generated.returncode == 0, generated.stderr
    found = digests(home)
    changed = sorted(t for t in DIGESTS.keys() | found.keys() if DIGESTS.get(t) != found.get(t))
    assert not changed, f"the demo now writes other rows into: {', '.join(changed)}"


if __name__ == "__main__":
    for name, digest in digests(Path(sys.argv[1])).items():
        print(f"    {name!r}: {digest!r},")
