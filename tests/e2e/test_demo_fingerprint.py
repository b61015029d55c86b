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
                  # 0016: the channel a customer prefers, a phone a gateway refused.
                  ("customers", "preferred_channel"), ("customers", "phone_undeliverable")}
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
    # Letters write their dates as the shop's locale does (2 December 2026), never as ISO.
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': '4881871da955b5f4962772c7404a70d7b99061e5c8a1b5227e857898d88a6275',
    'branch_epochs': '259d5450977f661bf98aee59bfa4d328be61f178800b2dbffd791fdc3cfc81c2',
    'brand_claims': 'c646295edc2b4432550dcfe972e1b42cf4071f5c315f1e1b64207393d55a5e71',
    'brands': '80970845bf7f0fdbf61ccb037e0f03fc94db188d343c1ab4fe3e5efd74357bc1',
    'claim_events': 'fb01b688f4dd821f41172c3fbe93dd777675508898ee877148156e8b2b15f015',
    'claims': 'b4116feb144bfc40b564fb85d39e0138b2671584b75ad2fff4ee4d174949fec2',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': '656618c8b2baaa6902d98789757c33c4aee55a6ed244e5f34f9d95cee8fd8739',
    'customer_messages': '84a1acde22f3ee71287b88ab042b1de739052f166ea74197cc8be77b519e1921',
    'customers': 'da92d564e8647dd2e75ee8a038fb56066a7e12d6e7d87712eb10b042bc0a8db7',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': 'd1190b4b6ca45f936eb7eeafc4f105d3016f5da508d1d0f530d49257b7915458',
    'extension_offers': '03829ed43e01ae75f0d43ce58b36fd4d35348fb645c5ed648f0ec5649928347f',
    'extension_plans': 'd4b43a00886fde4e24e3e30988d100dc28dd1caf296a5802c1fdde08e8b73d9a',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '8145c0d3c0f9a5e7d393df1f081373434d06832151a70d5d54ef7aea3d696efd',
    'number_counters': '4ab0e005a54b18b5a2ddea94599453a0252030afb00043ca40ebe9fcfc44d710',
    'outbox_events': '5cc9551d90107322e6571d6286c7fed4218070ed11221523995c6a02da104ca4',
    'policies': '30df7d8fe2c1f2febe6f601712b7897f50243c96403aa29add7adf721ff264f4',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '7b7c29ea15484880b38d485681cf6a0c4a153329ae045921c01864913ac86e85',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'sales': '1a5c11a922fa233ec84826f68f47d3493c41c55fc43497f1fd5cdb310e08945b',
    'settlements': 'c9a2f8f861c958123099b12b98a9c376a53bd8124c60a6b167c028940713da63',
    'shop': '6f59cd351b1781240c23d95ba10894d1cdafb6e70b321a0c6717bfe8a3b1646d',
    'staff': '83639f86ac95404d8be59baf9dfc782eb510d1dc031d8f7f6988c792e43a2e85',
    'stock_movements': 'acdcd86016d35fecfe1964b1d2ae60eb7f496ccdd1c57f8595ff7bce7ac2cc60',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': '45ec7c63253095390d50c8e4f630fe99dbe645d0c206f1589f1a7b2905b0be06',
    'warranty_layers': '6af1c33f5c828327ac4eb6bfb9c549a6d623160e274bb1afe38089a8c1d57ccc',
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
