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
                  ("inbox_applied", "handled_note")}
_ADDED_TABLES = {"sync_delivered"}
_EMPTY = (None, "")

DIGESTS: dict[str, str] = {
    # The schema at 0012 (branch epochs, PIN lock steps); a refund decided on a claim voids its
    # warranty with the audit entry and warranty.voided event every other void has. Tables
    # 0011 and 0012 added: applied refunds (empty in the demo), branch epochs.
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': '74e17cc74a9bb90c14ae20fb0e2d1179b5410b9ed8e0d8ee9c77add7f3bcfc75',
    'branch_epochs': '9c3bf10f5c4a3da2eca2dc2e600f9e1900eb0fc0f54a0b4582023cd3a8a7365f',
    'brand_claims': '5664d7e40bbe1ee3f737eafb37a7f1efcd90816aa25340da665045799a7ae9cf',
    'brands': 'e9eb4fe287046c9eb60c0caa14053c113781fe63aab1385649449b645bd7615f',
    'claim_events': 'fbce15b6b6e9ac858cd34da5179c354417869169c9b64451c4667bfeca114bb6',
    'claims': 'b7a18d94fd747609882910dd3aeaa9d1304597dda3be957ae67d845f51abe25a',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': '51a69dc1a40a60502c7ddad370611bdda155a31f091532d8787deda278c88b76',
    'customer_messages': 'e1a4424c16e7fea404f03e7b2a483972d0b1d3906c85b3da525ae1950e2f2885',
    'customers': '351185780be73ab65f2abfffb47ab9d79f1129c985f0914fd5765f177b769e20',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': '5421a700ee54b82710f29c30f8fcb91010e4c33e7511be8ce62aad2ef4fac667',
    'extension_offers': 'e1f2accfd82e1e7a89b3ec90178e808615eca1d45782857bd9b08b107843afc0',
    'extension_plans': '1ce4feb8fdb005c94f298bff4f786b9fec26675e32bbbce0e9fae9c30c27768c',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '52beb6801dbf8b79a8014e432470430fed708222f454070dc00391d27a0089d7',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': 'd5380e18717e02bf54d0277ddf408887631b6bfb1846ccc4000762ec9e37afbd',
    'policies': '0aef7f97823ef14dd3ffdd0b0e8fdfcdbdb1a47be2009a301b77731009981c60',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '3bb3526f2c2f270487af453731a04ccfaeda9a8fef93266d6457da314052df9c',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'sales': '377da1a20f204e3c01237c36c37ca0de9d99bcd424ffda0a089b132c0089fbd7',
    'settlements': '6d6d23f21e3532626813d8627d8053e66dd3866cf66de118ce9c703be6b10ceb',
    'shop': 'daa9484a1564a1ef2a93a366ea51079314e36679aae91ab15fdbde384f3be01f',
    'staff': 'dc9b1cec354c731d386f05083f44f7536a75f6e2a02084895d42a841862041e2',
    'stock_movements': 'c5e507da4fbfdfd8365956b4e02b27ebdf2b3fbc838b5e2b4567059e868c5cba',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': '195b7c577d9263ebf4d99ee6d80f69029fc2f6506cbb7009d527fa64daae5cb8',
    'warranty_layers': '748c938c35210472b002b6806b99d528c5f0484b4dd95a9cf15db2bc5aa17f5d',
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
