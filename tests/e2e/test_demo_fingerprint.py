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

DIGESTS: dict[str, str] = {
    # The schema at 0011 (applied refunds); a refund decided on a claim voids its warranty
    # with the audit entry and warranty.voided event every other void has.
    'alembic_version': 'a4bb047ea62c7fb50b8b4859af09ac6ed721ee3876a725f8b00cd4019cc615d1',
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': '433e39b58189d3c44221cebb5f9fe514b55352b2f89b394fb983b72948033e29',
    'brand_claims': 'b314d19af9534da08b87d1e5ffb47ccbf8fab8a9ae966c304ac90f6e7973505d',
    'brands': 'fa537382c118e47710c54513caf0de231544145941c3fc8d9e15822a4288ee78',
    'claim_events': 'c0da8a60ac30918d192c8a6cacb47112cfbef6f7a387c42d53c5ee1e2287df88',
    'claims': '3bdc124c618f4c8aa3b3056a38b2d3d91942b51b64fdcceb8116d9b54b362220',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': 'aeaf3faa56e3a15a81aade2a869973777a2b21b6c668bb9eea02f90045cf3863',
    'customer_messages': 'b5071f3163ef24e9dc66cb2226786511079125da279928f7c09d1b24cece2fbf',
    'customers': '7a7aa9f38f9b11a22399d4c9dbd974ee165a163ccba2cdf099e02e5c17503f40',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': '276b748de3c0c22f64150dee325bd42043ea94a20674cb74e1cddcff34f87c95',
    'extension_offers': '577a5505c24f94b2c7b6852935772ba7bb61f32a06023f50ec3fa0f59dc7d165',
    'extension_plans': '2b3b5aee79b873871bf0da2ef5916e2e71afa8f1e191f0d355434a0ea36a5bd4',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '3427cead4c56b27aba8d9e5366c64f06dd87bed3a83638253fbe643cdcbb09fc',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': 'cb1bcdd9556e2b53faf6819356f57852bc645853817b3b102ec9c0b4f2351867',
    'policies': '9a6684c8feb5193b56ef244c740ed73e13b21043c86311166f7a75c895035312',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '9153eedd61fb647d87b71d5d81f1ee5c52e9bc6f655556a9fe1a2d57e9a7675f',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'sales': '31989884f284de1ee9f206c85996a3c602d4799ec6cd2df30d9e1d2b4c4db06c',
    'settlements': 'bd8cf287dc6cb7b9e59e7d9e9d1a509e3ab884fe73525d29ecaa3b9488e756d6',
    'shop': '5a4d1b1edf9b0564973f654f4833f42a0ee245e3ba2c1c1af93afa802de9aa78',
    'staff': '8bb4ef548fb20bb045e38646302c3fd63e97373cb9e646c9ab438648bcb66839',
    'stock_movements': '5f3034be3b59db011ea8022495ff4133dfcc1f62924cb9f4fbc2d453dba4f956',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': 'e615fdc40a13697a836288f9715d48f026f1ed0ebe22c83da0fe2d2d9edd42fd',
    'warranty_layers': 'e368910aaa3487afab70acd22f7d9f394d0fca212f2cb6e6b45533f52776745a',
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
                  if not _FTS_STORAGE.search(name)]
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
                                                                         strict=True)],
                                     ensure_ascii=False) for row in cursor]
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
