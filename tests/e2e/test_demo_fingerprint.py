"""The demo shop, row for row: `init --demo` then `demo-data` write exactly what they wrote before.

Each table is dumped in insertion order and hashed. Keys are UUIDv7 (time and random bits), so
each key is written as its rank among all the keys of the shop: a row keeps its place and
every reference to it, but two runs need not share the random bits. PIN hashes (a random salt)
and the audit chain's hashes (over those keys) are left out; the chain is verified elsewhere
(tests/unit/test_demo.py). The evidence files are hashed as they lie in the documents folder.

The digests were taken from the demo shop as it was after the generator moved out of the
services and the demo became a UK shop (pounds, en_GB, the shop's UK phone and address, one
more audit entry and outbox event for that; letters in whole paragraphs). If you change what
the demo writes on purpose, print the new ones with
`python -m tests.e2e.test_demo_fingerprint HOME` on a shop built by the commands below, paste
them here, and bump GENERATOR_VERSION in tests/bench/shop.py so benchmarks rebuild their shop.
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
    'alembic_version': '549185db9789a6b2dcde9dbea3649a49f7fc16eeb08383f7abebc759b0090346',
    'audit_entries': '5d9b4712d3b5796462577addc1269cc5d804ac9febc06e25467f7329224cc9a6',
    'brand_claims': '723508c4dfa7f3da550ef9fdcae85bc42961b7364df843ae76b3a1a44e050101',
    'brands': 'e9eb4fe287046c9eb60c0caa14053c113781fe63aab1385649449b645bd7615f',
    'claim_events': 'd0ee1d1a9c403955ca67a0d35a197842dc3211f14006b20bb09b86df47a6b5ca',
    'claims': '3eb0cefb49ec14d15479bc84dfc0ebe967994e987205f79be8f0c732a6e44c1f',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': '6216c8e14c9454f074b62a20acbdaf7c6509279ee570c453c8314029a2f4d89d',
    'customer_messages': '42179b0f7b2424d92c8579ae7fc0c3e6fb2b9d3fb8814a4d4d0bfce442800f03',
    'customers': '62f07a71f04015182fb382533d3f37fa0d10a41c8760cd794246c54d39707404',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': '59865819572861bde60a7d3dfaaef5e3a9eaaa2855d72392f441608845e9dd1a',
    'extension_offers': 'f95238a49349ef59341b9a3a4afd22eb44e37de0a5020303da56c40b003030c1',
    'extension_plans': '1ce4feb8fdb005c94f298bff4f786b9fec26675e32bbbce0e9fae9c30c27768c',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '6c64926ff9afb9d3fb1a10d5a122a1db27cf6e9d532248b1dab98d12700ca2fa',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': '31b0fea2884fe1b56a191d5f916d8bd863e70e0e061de80a04c4c01694a7adb8',
    'policies': '0aef7f97823ef14dd3ffdd0b0e8fdfcdbdb1a47be2009a301b77731009981c60',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '3bb3526f2c2f270487af453731a04ccfaeda9a8fef93266d6457da314052df9c',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'sales': 'e2a8d77bf4ef1312585644de64c23d9810dbfb0fdd2051a0642613984bdd32be',
    'settlements': 'bd8cf287dc6cb7b9e59e7d9e9d1a509e3ab884fe73525d29ecaa3b9488e756d6',
    'shop': '000f6970c1b9d66a541116902b4782c57eb33ae152f1c26f52db5e8711294827',
    'staff': '8bb4ef548fb20bb045e38646302c3fd63e97373cb9e646c9ab438648bcb66839',
    'stock_movements': 'af1ba759a1b44f20e8d85d7cf493839e1f5d5bbc6dd638512e41a259eab2756e',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': '8bef6ebc6f9adc70f53546933bddb5a74706e5bb0ea3385baf2170610d68ed04',
    'warranty_layers': 'fb8c20ccbaf1bd05795e66a3edf5dc051b0d41150fe529386ff02e4f43fde273',
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
