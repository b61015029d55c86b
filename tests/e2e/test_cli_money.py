"""Money on the command line: people get the shop's currency, files get plain decimals.

The demo shop is a UK shop (pounds); the yen shop asks `init --demo` for its own currency.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import sqlite_file
from tests.e2e.cli import run

SINCE = ("--since", "2020-01-01")
MONEY = ("Cost", "Cost per claim", "Recovered")


def _cost_by_brand(home: Path) -> dict[str, int]:
    """What the ledger holds per brand, in minor units, summed by hand."""
    with sqlite_file(home / "warranty-desk.sqlite3") as conn:
        return dict(conn.execute(
            "SELECT b.name, sum(c.amount_minor) FROM cost_postings c "
            "JOIN claims cl ON cl.id = c.claim_id JOIN products p ON p.id = cl.product_id "
            "JOIN brands b ON b.id = p.brand_id GROUP BY b.name").fetchall())


def _csv_rows(home: Path) -> list[dict[str, str]]:
    done = run(home, "report", "claims-by-brand", *SINCE, "--csv")
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def test_claims_by_brand_csv_carries_costs_as_plain_decimals_in_pounds(demo_home: Path) -> None:
    rows = _csv_rows(demo_home)
    spent = _cost_by_brand(demo_home)
    assert rows and any(spent.values())
    for row in rows:
        for column in MONEY:
            assert re.fullmatch(r"\d+\.\d{2}", row[column]), (column, row[column])
        # 79900 pence of cost is 799.00 in the file, not 79900.
        assert Decimal(row["Cost"]) * 100 == spent.get(row["Brand"], 0)


def test_claims_by_brand_text_writes_pounds_with_their_symbol(demo_home: Path) -> None:
    done = run(demo_home, "report", "claims-by-brand", *SINCE)
    assert done.returncode == 0, done.stderr
    spent = _cost_by_brand(demo_home)
    biggest = max(spent, key=lambda brand: spent[brand])
    line = next(x for x in done.stdout.splitlines() if x.startswith(biggest))
    whole, pence = divmod(spent[biggest], 100)
    assert f"£{whole:,}.{pence:02d}" in line
    assert str(spent[biggest]) not in line.split()


def test_claims_by_brand_json_says_its_amounts_are_major_units(demo_home: Path) -> None:
    done = run(demo_home, "report", "claims-by-brand", *SINCE, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["currency"], report["money_units"]) == ("GBP", "major")
    spent = _cost_by_brand(demo_home)
    cost = report["columns"].index("Cost")
    assert cost in report["money_columns"]
    for row in report["rows"]:
        assert isinstance(row[cost], str) and re.fullmatch(r"\d+\.\d{2}", row[cost])
        assert Decimal(row[cost]) * 100 == spent.get(row[0], 0)


def _with_offer(home: Path) -> dict[str, object]:
    rows = json.loads(run(home, "report", "warranties", "--json").stdout)["warranties"]
    # Plans are offered only weeks after a sale: the newest sales first, or the search runs
    # `lookup` once for each of the demo shop's older warranties (some 40 processes).
    for row in sorted(rows, key=lambda r: str(r["start"]), reverse=True):
        if row["status"] != "in_cover":
            continue
        found = json.loads(run(home, "lookup", row["code"], "--json").stdout)
        if found["matches"][0]["extension_offers"]:
            return found
    raise AssertionError("the demo shop has no warranty that can still be extended")


def test_lookup_offers_an_extension_at_its_price_in_pounds(demo_home: Path) -> None:
    found = _with_offer(demo_home)
    offer = found["matches"][0]["extension_offers"][0]
    assert found["currency"] == "GBP"
    assert "price_minor" not in offer
    assert re.fullmatch(r"\d+\.\d{2}", offer["price_major"])
    text = run(demo_home, "lookup", found["matches"][0]["warranty_code"]).stdout
    amount = Decimal(offer["price_major"])
    assert f"{offer['plan']}, {offer['months']} months for £{amount:,.2f}" in text


@pytest.fixture(scope="module")
def yen_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("yen") / "home"
    done = run(home, "init", "--demo", "--currency", "JPY", "--locale", "ja_JP",
               "--timezone", "Asia/Tokyo")
    assert done.returncode == 0, done.stderr
    return home


def test_a_yen_shop_writes_whole_yen_without_decimals(yen_home: Path) -> None:
    rows = _csv_rows(yen_home)
    spent = _cost_by_brand(yen_home)
    assert rows
    for row in rows:
        assert re.fullmatch(r"\d+", row["Cost"]), row["Cost"]
        assert int(row["Cost"]) == spent.get(row["Brand"], 0)
    text = run(yen_home, "report", "claims-by-brand", *SINCE).stdout
    assert "￥" in text or "¥" in text
