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
                  ("customers", "reminders_agreed_at"), ("customers", "reminders_withdrawn_at"),
                  ("customer_messages", "read_at")}
_ADDED_TABLES = {"sync_delivered", "warranty_reminders"}
_EMPTY = (None, "")

DIGESTS: dict[str, str] = {
    # The schema at 0012 (branch epochs, PIN lock steps); a refund decided on a claim voids its
    # warranty with the audit entry and warranty.voided event every other void has. The demo is
    # a UK shop: pounds, en_GB, the shop's UK phone and address (one more audit entry and
    # outbox event, shop.updated), and its letters are whole paragraphs. At 0014 the story's
    # claim letters are in each customer's register (VIP, business, reseller, retail), each
    # policy lets staff reword a message, and the shop reminds 30 days before a warranty ends.
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': '1a97a7312a9c92d291b37c9f7f057d7a6f57aae1eb76f9a255165ec49c2a6c2a',
    'branch_epochs': '9c3bf10f5c4a3da2eca2dc2e600f9e1900eb0fc0f54a0b4582023cd3a8a7365f',
    'brand_claims': 'd59045b8bf800ce9a8599ae6974fd8ed8c1cc2c5478a0ab19d732e9fe31f1475',
    'brands': '300fbae156beb885f12b0d5a1e4a1b10e94268fb2182f58c05f3cf14505d0ee9',
    'claim_events': '200bf24b5a1c514168ee895669f0c43a90d99f294827e473415df3f9ebdbd6bf',
    'claims': '91d96ba00c344a982417cbf192f0159811709fc2fc2e67686855c4eb51c322bf',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': 'a6a3b63e01d10009656930d1e430feb80acbfb243101dfd4c8fab7a218f7e754',
    'customer_messages': '4768e05caf28f71d0e6aca478f350a640d8e6a2a91587dfc1b73db882d52d2b9',
    'customers': '71f67d414350bae011a69c1fd6d7e67b06c533e7c462bc6acc8c26e7ab8b72c5',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': 'cf1f423cb203634b4a192ca563fc76582eaa47906e1db5036932e09d1e6f8a5c',
    'extension_offers': 'd73e9b219b44ed87214c384b365cff404a083c7319077d605a7b35de254dd841',
    'extension_plans': '9679364252f5a0fd424fd17ee36a7d75690b6bd41f3e92b563833c871ebd1dc5',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '717071668022935eaabe60f26291ac1f2a1b7376f42992c60eeba19355a34bac',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': '0013baf50d94d960e15c6dc0cc1c54521283fd34dee2c8b3c1ca346f6673dfa9',
    'policies': '422ed88eb97399e7c8a1b6732b94fa574393cc2086e2b1c0bbe8fbadef801303',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '4281bc6eacc19669e012e6006d4d9fd152db9921430a1264fc7e6b292e1fd241',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'sales': '3c71829b2cf312663c52aa8d8fa7232622a43338bc9396eae59620a4e1231ac5',
    'settlements': '12c07cef376a0ad227f72408eceb981f51a624bc1acb7c03dcdd05111ab16fba',
    'shop': '50a6971697ecadf51c66de3b01097f21a8afefd4475fe4d57b6442a993a51aad',
    'staff': 'dc9b1cec354c731d386f05083f44f7536a75f6e2a02084895d42a841862041e2',
    'stock_movements': 'a9fb714751348b6017c0d5f9225e170ecce6d818f93c315f761afade4b83f7bf',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': 'c2ff5fef2f11a1568ca5ba0d5a964244134e599c4d1e5fe89f5f778f679d0683',
    'warranty_layers': '467502e7b157e43b1d507d833b57e71ba95a487ea0f3695ce36c2bc4bbb42e01',
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
