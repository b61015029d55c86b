"""Telling the import formats apart by content: the JSON marker, or the CSV header row."""

from __future__ import annotations

from warranty_desk.services.imports import native, shopify, square
from warranty_desk.services.imports.table import read

NATIVE_CSV = "native-csv"
NATIVE_JSON = "native-json"
SHOPIFY = "shopify"
SQUARE = "square"
FORMATS = (NATIVE_CSV, NATIVE_JSON, SHOPIFY, SQUARE)

# The columns that give each CSV format away; checked in this order.
_SIGNATURES: tuple[tuple[str, frozenset[str]], ...] = (
    (SHOPIFY, frozenset({"name", "lineitem quantity", "lineitem sku"})),
    (SQUARE, frozenset({"transaction id", "gross sales", "qty"})),
    (NATIVE_CSV, frozenset({"invoice_number", "sku"})),
)

EXPECTED = (
    f"a Warranty Desk CSV with the columns {', '.join(native.REQUIRED)} "
    f"(and optionally {', '.join(native.OPTIONAL)}); "
    f'a Warranty Desk JSON file with "format": "{native.JSON_MARKER}"; '
    f"a Shopify orders export with the columns {', '.join(shopify.REQUIRED)}; "
    f"or a Square item sales export with the columns {', '.join(square.REQUIRED)}"
)


def _text(data: bytes) -> str:
    # Undecodable bytes are the parser's to report with their row; the header is plain ASCII.
    return data.decode("utf-8-sig", errors="replace").lstrip("\ufeff")


def detect(data: bytes) -> str | None:
    """The format name, or None when the content matches none of them."""
    text = _text(data)
    if text.lstrip().startswith(("{", "[")):
        return NATIVE_JSON if f'"{native.JSON_MARKER}"' in text else None
    table, _ = read(_head(text))
    header = set(table.columns)
    for name, signature in _SIGNATURES:
        if signature <= header:
            return name
    return None


def header_of(data: bytes) -> str:
    """The first row as written, for telling the person what the file has instead."""
    table, _ = read(_head(_text(data)))
    return ", ".join(table.columns.values())


def _head(text: str) -> str:
    # Only the header matters here; a quoted cell spanning lines is rare in a header row.
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    return "" if first is None else lines[first]
