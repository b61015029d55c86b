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
# The dashboard's roll-ups are made from the other tables by triggers (held equal to a rebuild
# in tests/unit/services/test_rollups.py) or worked out from them by the services (the
# recovery roll-up, the zone's changes: test_recovery_rollup.py, test_metric_facts.py): the rows
# they come from are dumped already.
_NOT_DEMO_ROWS = {"alembic_version", "claim_rollups", "sale_rollups", "customer_sale_days",
                  "warranty_spans", "claim_fact_days", "claim_fact_zone", "recovery_rollups",
                  "recovery_stale", "shop_zone_changes"}
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
                  ("claims", "backup_id"),
                  # 0021: cover that waits for delivery, set only on such online sales.
                  ("warranties", "awaits_delivery"), ("warranties", "delivered_on"),
                  # 0022: an online return's outcome asked for and its approval; the demo has
                  # no online return.
                  ("claims", "preferred_outcome"), ("claims", "return_approved_at")}
# 0019 added hand_backs: the demo hands no unit back, so the table stays empty.
_ADDED_TABLES = {"sync_delivered", "warranty_reminders", "brand_status_updates",
                 "supplier_terms", "hand_backs",
                 # 0024: the monthly audit sample, which the demo does not draw.
                 "audit_samples", "audit_sample_claims",
                 # 0027: the first-run setup's progress; the demo is set up by init --demo.
                 "first_run"}
_EMPTY = (None, "", 0)
# Added columns whose default is no empty value: left out while they hold it.
_ADDED_DEFAULTS = {("policies", "online_cover_from"): "sale"}  # 0021, cover from the sale

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
    # The story's suppliers have terms (each brand's service centre and packet layout: the
    # story's brand claim is lodged with Lumen's centre), Lena Lumen signs in for the Lumen
    # distributor, each brand claim change tells head office (brand_claim.* events), and at
    # 0020 the shop holds its settlement limit (5,000 minor units, what the rules' constant
    # was). The new rows move every later key's rank.
    # The story's claim at Lumen posts bench labour Lumen pays back: its brand claim expects £42.00.
    # Head office's public product page words a product's cover as the counter does: adding
    # products tells it each one's GTIN, brand, category, list price, policy and serial rule
    # (with the shop's currency and locale), and each policy event its months of cover, terms
    # text and serial rule.
    # Head office's metric pages count as the tills do: every claim event says who opened the
    # claim, its SKU, when it closed and the day promised; a refund's decision its amount in
    # minor units and its approver's role and limit; each brand claim event what each claim is
    # expected to bring back; each product its supplier.
    'applied_refunds': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'audit_entries': '29e525b7ef19388d055525dbd4b4bfa543b3d0a1213b0b68009b4e3c352f1f45',
    'branch_epochs': '259d5450977f661bf98aee59bfa4d328be61f178800b2dbffd791fdc3cfc81c2',
    'brand_claim_items': '03bf8de0b9691a5730860369f80340f49f237fd2715e51348f02000a739e7b60',
    'brand_claims': '88fd909b5bc63604007c61173e1e5db4e70e9f74aef338d0577652175fb0f48b',
    'brands': 'fa537382c118e47710c54513caf0de231544145941c3fc8d9e15822a4288ee78',
    'claim_events': '8e1b783bac0e5cc5c1c834f0bca3d1c5c7c39a0599584a9e08dfb681641cd0a0',
    'claims': '66d967acc661b8cbca92cad6043fb9e401e9ab9be15a18469bfe189c87f1ddc6',
    'complaints': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'cost_postings': '2e12e852fc7b1d1b118371b338752b51ac863153c7a7a863a989f7cce2877559',
    'customer_messages': '1043c1baec538b95d2086f87da0da8d6e1426c7f70a6aeb86b6fec7f96bae38b',
    'customers': '4e6c67eeea97cb8a5987f23744f0d42a32c8c44a8a459e2393b279a3b11df0f3',
    'customers_fts': '7507c515d13bc967308029bd70ec170a74f8760c7378bb79219fa17b83dc4358',
    'evidence_documents': '3e7133ad81c684890a3ceab7cf56b419579adb237cd4140679a1bed1b8bf059d',
    'exception_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'extension_offers': '83ff1b54281294dc720ae6e89c6a95f492de8ab7cec714cccf27c9a738c0cc28',
    'extension_plans': 'da4fe569fcc38afff8fff3d95ae2bffd7958470fe64f1347c707503acfb6d0d6',
    'import_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_applied': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'inbox_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'invoice_lines': '44049af9160a81b2c2a7c9acbdf4ae5b63567bb1eb5bc7d4ae6b257beb6dc88c',
    'number_counters': 'b91de17a94c03342dab704045a4f6bd46fa6180f0214c35afaac48e1b613b37b',
    'outbox_events': '267e90922a7506506384d64da3bf576b06c796d9ef6455c4f7e6b9d521f5a951',
    'policies': '16f15cdf80631201b34969c6925e6ccfc575f35e6674ce9cb6c50ee0fedc6075',
    'print_jobs': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'products': '9153eedd61fb647d87b71d5d81f1ee5c52e9bc6f655556a9fe1a2d57e9a7675f',
    'products_fts': '32ad08e2263cad0197256f186b17c89167d69447320e549f47d4b4f1f6b0175b',
    'retention_follow_ups': '3ee42d762c540dae638d193f163699303df929ef2e7b33aceaee6c74f41b9550',
    'sales': '9816db8b3a5a320c53bc5bf1a48ac2bb6856fc64c99e549cfa77f071fd31dc4e',
    'settlements': '1ec90a68d474be694395e561850ba39cb513cdfdc8076f7ed0ad317336bac4f4',
    'shop': '7e48496360bd7d540256614b1251f52ab81de7d01a7f39fa8094d965dfbf6d29',
    'staff': '94b4d5284ca494727f3635c1b8ee931c7ad9c4dbdac38e907ba52e6a2c5e0843',
    'stock_movements': 'f29abb894414fc3732130f82b50594af168a658342fde3f4102e817a40aa13cf',
    'supplier_batches': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'supplier_terms': 'cf494610c72be3c5f770467007b68bcfbda4efa1f3d38f4965f99660cf9b9314',
    'sync_cursors': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'sync_parked': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'upgrade_notes': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'warranties': 'b91079b6e9112beb0f48643d425907216eb901499a3b204007fceb81342d6053',
    'warranty_layers': '828019b154157dc4786c6f77b3b582e7bfd2cfe4940bf6c3cfe1393897458bdd',
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
                                      if ((table, c) not in _ADDED_COLUMNS or v not in _EMPTY)
                                      and _ADDED_DEFAULTS.get((table, c), _EMPTY) != v],
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
