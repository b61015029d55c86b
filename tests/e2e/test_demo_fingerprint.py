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
                  ("customer_messages", "read_at")}
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
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': '1a97a7312a9c92d291b37c9f7f057d7a6f57aae1eb76f9a255165ec49c2a6c2a',
    'branch_epochs': '9c3bf10f5c4a3da2eca2dc2e600f9e1900eb0fc0f54a0b4582023cd3a8a7365f',
    'brand_claims': '2c22a58f9b136f114cc98a9d52a01bc8e420a294795ae20b0ef53bbcb899d4e5',
    'brands': '300fbae156beb885f12b0d5a1e4a1b10e94268fb2182f58c05f3cf14505d0ee9',
    'claim_events': 'cbdcc79aad2cca5006acbed2292a66048eecde9c2fc570ec93367de4896c3010',
    'claims': '534ccad39c52faabbaf746d9014c60f9a47562d4183b6609f5f8010759d116c8',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': 'b46c4164175f63b2e2bab274a91c4eadef81ed6b25e97d55de2d0417e6ad980e',
    'customer_messages': '340d94b3ade6b39ace5a3944061f54f103b22ac3f23298929d83fc78d586e352',
    'customers': '9c254ec707e4ccd69d6d9a0ac1a11128453beaf6a5457406bc539a99752e2f5c',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': '735dd0527fa8336f5edcad864acccf67ca249bde6b0dca61ca3a5c354c70ee1e',
    'extension_offers': 'f86be30724ada683823d5dc09383315a8fd3d85aebccf88015e7e115fb97c403',
    'extension_plans': '8d2382abd6b2231ae684158781955016b052ce87c6ae05e9c56d54b5a528266c',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '2a52570a8052644d297966eff4264800bb50d943bd18be781e501d1f599a00fb',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': 'ceb0c519a2a93fe4af380580fbbc62222617f001f761c1290a86a53999ce0563',
    'policies': '422ed88eb97399e7c8a1b6732b94fa574393cc2086e2b1c0bbe8fbadef801303',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '4281bc6eacc19669e012e6006d4d9fd152db9921430a1264fc7e6b292e1fd241',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'sales': 'cd5b14a4de278cae9a5572d348416b638687b83cba8a594e20812db085d6fc76',
    'settlements': 'f0c3d3958033791b62b92fbca570a6887e815966bac239222f15aade3e4acc2c',
    'shop': '50a6971697ecadf51c66de3b01097f21a8afefd4475fe4d57b6442a993a51aad',
    'staff': 'dc9b1cec354c731d386f05083f44f7536a75f6e2a02084895d42a841862041e2',
    'stock_movements': 'e51f4559e153859e92a17c7a16c7c3bbf2064b1e30ce7aacd6133f1d2e67a3ef',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': '543c63200e7f208c9371e2a751091863936a074bf0b38033758145e78b08a855',
    'warranty_layers': 'e39dc19ea27b972c56a1e6f69c8937ab485bf8dc47a97b607c57e402475d0af8',
    'documents folder': '9c585a36583ba963e1076eba1ceb16276b05efe9b26b65d8d7a099e3ba8800e1',
}


def _key_ranks(conn: sqlite3.Connection, tables: list[str]) -> dict[bytes | str, int]:
    """Every 16-byte key in the shop, numbered in the order it was made (UUIDv7 sort order)."""
    keys = {value for table in tables for row in conn.execute(f"SELECT * FROM {table}")
            for value in row if isinstance(value, bytes) and len(value) == 16}
    ranks: dict[bytes | str, int] = {}
    for n, key in enumerate(sorted(keys)):
        h = key.hex()
        ranks[key] = ranks[h] = ranks[f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"] = n
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
                return f"#{ranks[value]}" if value in ranks else value.hex()
            if isinstance(value, str):
                return _KEY_TEXT.sub(lambda m: f"#{ranks[m[0]]}" if m[0] in ranks else m[0],
                                     value)
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
