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
                  ("customers", "preferred_channel"), ("customers", "phone_undeliverable"),
                  # 0017: brand claims as batches; staff who work for a supplier.
                  ("staff", "supplier"), ("brand_claims", "number"),
                  ("brand_claims", "created_by_id"), ("brand_claims", "written_off_minor"),
                  ("settlements", "recorded_by_id"), ("settlements", "agreed_by_id"),
                  ("settlements", "recorded_at"),
                  # 0018: a claim's backup, set only when a manager chooses one.
                  ("claims", "backup_id")}
# 0019 added hand_backs: the demo hands no unit back, so the table stays empty.
_ADDED_TABLES = {"sync_delivered", "warranty_reminders", "brand_status_updates",
                 "supplier_terms", "hand_backs"}
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
    # At 0017 a claim sent to the manufacturer is lodged in a numbered brand claim (the story's
    # at_manufacturer claim: a brand claim, its item, a claim event, an audit entry and the BC
    # counter), and the generated brand claims name their claim as an item, their supplier and
    # approval, close when settled, and settle by credit note (a short one with its reason);
    # "accepted" was no brand status the till knows and is "approved". The new rows move every
    # later key's rank.
    # At 0018 every claim has an owner: whoever opened it, and for a claim a customer started
    # online the manager gives it to support with themself as backup (an "owners" line on its
    # timeline and an audit entry); the generated claims are owned by their opener until the
    # technician takes them. Every claim event names its owner and backup. The story ends with
    # this morning's run of the retention rules: its customers with a rejected claim, two
    # claims in a year or a claim open over 30 days get a follow-up and their flag (audit
    # entries, customer.updated events).
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': 'f5885461d322ec8186ee8137d093d4b0f0ad22033e2673531f6127e1a5631860',
    'branch_epochs': '259d5450977f661bf98aee59bfa4d328be61f178800b2dbffd791fdc3cfc81c2',
    'brand_claim_items': 'efb606d54cacd87d3b8f833b755b264c439d7d1e7fe54d553f1a1d599fe009ec',
    'brand_claims': 'ec2a086c12672830420a1a5ab72b43e6e0c49b8eed54db1519c12ae4ef0ad3b6',
    'brands': '80970845bf7f0fdbf61ccb037e0f03fc94db188d343c1ab4fe3e5efd74357bc1',
    'claim_events': 'c310534a91f2bdaf9a1bb9055e8c2e273a534b333ec24f03e6ef908cfdeed28b',
    'claims': '10457951935c1bd253ab0a1a427031f0dc0c4183899a5b8b4ed1e6f96bdb875c',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': '2ed527071202a4d14dbb366bad3c4351e71466a8fc1f1438b5e391a98c8bde77',
    'customer_messages': '46d9549d177e5f5ab27962a8aaf8cc5ba3c20d62d1c9a671a48ac75eb2d8454d',
    'customers': '888b796d7092fb4d26f044222107b2bb7d98adf826172baf9292f8ced1e82910',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'documents folder': '9c585a36583ba963e1076eba1ceb16276b05efe9b26b65d8d7a099e3ba8800e1',
    'evidence_documents': '53106d67359eb53b67f4912574aa9a3d0032246b05935618774477a9ad95eb7c',
    'exception_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'extension_offers': 'b2e2fbe9862eede94f683552be97b63d32d34964164687d9cde43f6102d930d6',
    'extension_plans': 'd4b43a00886fde4e24e3e30988d100dc28dd1caf296a5802c1fdde08e8b73d9a',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '5c5a1e6df4a16309d61c44f19aba412a6604a174dd0d28d9727198861f99e4eb',
    'number_counters': 'b91de17a94c03342dab704045a4f6bd46fa6180f0214c35afaac48e1b613b37b',
    'outbox_events': '20ba54b613d5bfce38d49f0a2bf121614d65d374bb6eb591a6c315784aa4509c',
    'policies': '30df7d8fe2c1f2febe6f601712b7897f50243c96403aa29add7adf721ff264f4',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '7b7c29ea15484880b38d485681cf6a0c4a153329ae045921c01864913ac86e85',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'retention_follow_ups': 'a3cf449be06503c6cdf54c0518522a82b5ec43ed258b4ae5b1084388dc2fa43d',
    'sales': 'f17947d0f601aed82870f5291829d52d4092321f18a7d7f418589bdb43b5a6ac',
    'settlements': 'c4559c1c266fb7e48cdcb7593d5ddfd7bbc59d7549462f6f25106ab208acdeb9',
    'shop': 'b9adea67c706cfc803ec239a1ce0d5dcab70b1bf31cdbddfbde30f300419fab7',
    'staff': '83639f86ac95404d8be59baf9dfc782eb510d1dc031d8f7f6988c792e43a2e85',
    'stock_movements': '7f40a7ca999115c15055b87a31159200e892d3a7d57493908f9054c8f9e7d475',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': '1bcf58fc4d35c35288cc37bd74df033dabae568efd176d0348cbb4cd0ab975b1',
    'warranty_layers': '447d651dbc412ce48eeb09bbf4c15a63279cdbfff9a5198b9db43479e8a10512',
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
