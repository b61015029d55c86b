"""The demo shop, row for row: `init --demo` then `demo-data` write exactly what they wrote before.

Each table is dumped in insertion order and hashed. Keys are UUIDv7 (time and random bits), so
each key is written as its rank among all the keys of the shop: a row keeps its place and
every reference to it, but two runs need not share the random bits. PIN hashes (a random salt)
and the audit chain's hashes (over those keys) are left out; the chain is verified elsewhere
(tests/unit/test_demo.py). The evidence files are hashed as they lie in the documents folder.

The digests were taken from the demo shop as it was before the generator moved out of the
services. If you change what the demo writes on purpose, print the new ones with
`python -m tests.e2e.test_demo_fingerprint HOME` on a shop built by the commands below, paste
them here, and bump CACHE_VERSION in tests/bench/shop.py so benchmarks rebuild their shop.
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
# The till's epoch is a key made when the schema is made, before the shop: left out and not
# ranked, so it does not move every other key's rank.
_LEFT_OUT = {("audit_entries", "hash"), ("audit_entries", "prev_hash"), ("staff", "pin_hash"),
             ("branch_epochs", "epoch")}
# The search tables' own storage follows from the rows they index, which are dumped.
_FTS_STORAGE = re.compile(r"_fts_(config|data|docsize|idx|content)$")

DIGESTS: dict[str, str] = {
    'alembic_version': 'a4bb047ea62c7fb50b8b4859af09ac6ed721ee3876a725f8b00cd4019cc615d1',
    'audit_entries': 'f1272dd05c26369840ededac127be1990cb29e0ca013737d732bf878b6feaa17',
    'branch_epochs': 'ce13d8c2dbb1b0ad5473ead23759ef06a7f2296b7fc1fece4d77413920a258af',
    'brand_claims': '566e428243364946312156250fe84fa13d95212619e5bff3520f12ec163ae93d',
    'brands': 'fa537382c118e47710c54513caf0de231544145941c3fc8d9e15822a4288ee78',
    'claim_events': '6488be1b0c25ce9be0e36c0f85ae48407646fc9517783c6e2927577b98bca645',
    'claims': 'cc15d8bf94b37cbdb565828f9e9bf1556898753721bf4cebc9d0710411f937c0',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': 'd33b4de3aa391e658595aacdeec0d497e8477ad8cdb3c0e66742e6dae15c85ed',
    'customer_messages': '75676f3ff4616959dee03f593f15fac30fd337917bbc0a9b08570c916d64182e',
    'customers': '81128b487889888641531e4d53a2a5486ecb043a0f5ca1d732721499e7cb19b4',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': 'e682667d086a839739274af087e7d7ff36e5fdebc5a0cf3d1304ff9e415c8b50',
    'extension_offers': 'ab1089e5c61c48e7a7661452393e5e9af6d1e4c8226b4578f30bb75bea2a0084',
    'extension_plans': '2b3b5aee79b873871bf0da2ef5916e2e71afa8f1e191f0d355434a0ea36a5bd4',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '0b67bf7bb2d9a8f5c05fecf372476000b9fb4d2d7c57816913e66e3c438d6435',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': '6f8c5d40d1cf51ce455cdf627e9cc9b80a02f2b7992a6429de505692fafa8758',
    'policies': '9a6684c8feb5193b56ef244c740ed73e13b21043c86311166f7a75c895035312',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '9153eedd61fb647d87b71d5d81f1ee5c52e9bc6f655556a9fe1a2d57e9a7675f',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'sales': '9835ab6ad905ae6350845e36e9b2b3ae773cca33b61b85ef4eba3e04f000ff1a',
    'settlements': '2e76f0106c8209b0fde6343612464e546cdcb179b51527ed7f9bbf4d55271c7d',
    'shop': '5a4d1b1edf9b0564973f654f4833f42a0ee245e3ba2c1c1af93afa802de9aa78',
    'staff': '83639f86ac95404d8be59baf9dfc782eb510d1dc031d8f7f6988c792e43a2e85',
    'stock_movements': 'ec9ab6b03bfe04ea1b4007e4a39a49bac4075b3cbe717f3f3cc305ea34a9196c',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': '900b47b97da74dc0483d4bb350fedd431b644d5b82ebcea03641e53bbf66a01a',
    'warranty_layers': 'aaa34d4e7041c6a3877fd47ca14273f6391f263fc43f1b5db7e2c4baf4da6d63',
    'documents folder': '9c585a36583ba963e1076eba1ceb16276b05efe9b26b65d8d7a099e3ba8800e1',
}


def _key_ranks(conn: sqlite3.Connection, tables: list[str]) -> dict[bytes | str, int]:
    """Every 16-byte key in the shop, numbered in the order it was made (UUIDv7 sort order)."""
    keys: set[bytes] = set()
    for table in tables:
        cursor = conn.execute(f"SELECT * FROM {table}")
        ranked = [(table, d[0]) not in _LEFT_OUT for d in cursor.description]
        keys.update(value for row in cursor for value, rank in zip(row, ranked, strict=True)
                    if rank and isinstance(value, bytes) and len(value) == 16)
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
