"""Reading a products CSV into catalogue entries, naming every bad cell by row and column."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from warranty_desk import normalize
from warranty_desk.money import MoneyError, parse_amount
from warranty_desk.services.catalogue import ProductInput
from warranty_desk.services.imports.table import open_table
from warranty_desk.services.sale_input import Problem

REQUIRED = ("sku", "name", "brand", "category", "policy")
OPTIONAL = ("gtin", "serial_required", "list_price")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}
# The database's column widths; a longer cell would fail the whole insert with no row named.
_WIDTHS = {"sku": 64, "name": 300, "brand": 200, "category": 100}


def gtin_problem(gtin: str) -> str | None:
    """Why a GTIN (barcode number) is wrong, or None; the GS1 check digit catches typos."""
    if not (gtin.isdigit() and len(gtin) in (8, 12, 13, 14)):
        return f"GTIN {gtin!r} must be 8, 12, 13 or 14 digits. Copy it from the barcode."
    body, check = gtin[:-1], int(gtin[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    if (10 - total % 10) % 10 != check:
        return f"GTIN {gtin!r} has a wrong check digit. Copy it again from the barcode."
    return None


def read_products(data: bytes, policies: Mapping[str, bool], existing_skus: Collection[str],
                  currency: str) -> tuple[list[ProductInput], list[Problem]]:
    """The products in a CSV file and every problem found; `policies` maps name -> serials?."""
    table, problems = open_table(data, REQUIRED)
    if table is None:
        return [], problems
    items: list[ProductInput] = []
    seen: dict[str, int] = {}
    for row, cells in table.rows:
        found: list[Problem] = []

        def bad(column: str, message: str, row: int = row, found: list[Problem] = found) -> None:
            found.append(Problem(row, table.name(column), message))

        sku = normalize.sku(cells.get("sku", ""))
        if not sku:
            bad("sku", "The SKU is empty. Every product needs the shop's own code.")
        elif sku in existing_skus:
            bad("sku", f"SKU {sku} is already in the catalogue. Leave it out of the file.")
        elif sku in seen:
            bad("sku", f"SKU {sku} is also at row {seen[sku]}. Keep one of the two rows.")
        else:
            seen[sku] = row
        for column in ("name", "brand", "category"):
            if not cells.get(column, "").strip():
                bad(column, f"The {column} is empty.")
        for column, width in _WIDTHS.items():
            if len(cells.get(column, "").strip()) > width:
                bad(column, f"The {column} is longer than {width} characters. Shorten it.")
        policy = cells.get("policy", "").strip()
        if policy not in policies:
            known = ", ".join(sorted(policies)) or "none yet: add a policy first"
            bad("policy", f"There is no policy called {policy!r}. Known policies: {known}.")
        gtin = cells.get("gtin", "").replace(" ", "")
        if gtin and (why := gtin_problem(gtin)):
            bad("gtin", why)
        serials = cells.get("serial_required", "").strip().lower()
        if serials and serials not in _YES | _NO:
            bad("serial_required", f"{serials!r} is not yes or no. Write yes or no.")
        price = cells.get("list_price", "").strip()
        minor = 0
        if price:
            try:
                minor = parse_amount(price, currency)
            except MoneyError as exc:
                bad("list_price", str(exc))
            else:
                if minor < 0:
                    bad("list_price", "The price is below zero. Write the shelf price.")
        if found:
            problems += found
            continue
        items.append(ProductInput(
            sku=sku, name=cells["name"].strip(), brand=cells["brand"].strip(),
            category=cells["category"].strip(), policy=policy, gtin=gtin or None,
            # A blank cell follows the policy: accessories policies usually need no serial.
            serial_required=serials in _YES if serials else policies[policy],
            list_price_minor=minor))
    if not table.rows:
        problems.append(Problem(None, "file", "The file has a header but no products."))
    return items, problems
