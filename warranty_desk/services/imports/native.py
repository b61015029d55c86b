"""Warranty Desk's own invoice files: a CSV with one row per invoice line, or a JSON document."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, partial
from itertools import count
from typing import Any

from warranty_desk.money import MoneyError, parse_amount
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.imports import fields, limits
from warranty_desk.services.imports.fields import Field
from warranty_desk.services.imports.parsed import BadCell, Parsed
from warranty_desk.services.imports.sheet import open_sheet
from warranty_desk.services.imports.table import decode
from warranty_desk.services.sale_input import LineInput, Problem, SaleInput

CSV_SOURCE = "csv"
JSON_SOURCE = "json"
JSON_MARKER = "warranty-desk-invoices"
JSON_VERSION = 1

REQUIRED = ("invoice_number", "sold_on", "sku", "quantity", "unit_price")
OPTIONAL = ("serials", "extension_plan", "customer_name", "customer_phone", "customer_email",
            "customer_segment", "customer_reference", "customer_reminders")

# Activation's field names -> the native CSV column that holds each.
_CSV_COLUMNS = {"invoice": "invoice_number", "date": "sold_on", "lines": "invoice_number",
                "sku": "sku", "quantity": "quantity", "price": "unit_price", "serial": "serials",
                "extension": "extension_plan", "segment": "customer_segment",
                "customer": "customer_name", "phone": "customer_phone",
                "email": "customer_email"}
# What each column may hold; the same rules serve the JSON document's keys.
_INVOICE = Field(limits.INVOICE, "an invoice number")
_SKU = Field(limits.SKU, "a SKU")
_SERIAL = Field(limits.SERIAL, "a serial number")
_DATE = Field(limits.DATE, "a date", text=False)
_PLAN = Field(limits.PLAN, "an extension plan's name")
_CUSTOMER = {"name": Field(limits.NAME, "a customer's name"),
             "phone": Field(limits.PHONE, "a phone number", text=False),
             "email": Field(limits.EMAIL, "an email address"),
             "segment": Field(limits.SEGMENT, "a customer segment"),
             "reference": Field(limits.REFERENCE, "a customer reference")}
_CSV_FIELDS = {
    "invoice_number": _INVOICE, "sku": _SKU, "extension_plan": _PLAN,
    "sold_on": _DATE,
    "quantity": Field(limits.NUMBER, "a quantity", text=False),
    "unit_price": Field(limits.NUMBER, "a price", text=False),
    "serials": Field(limits.SERIALS, "serial numbers"),
    **{f"customer_{key}": rule for key, rule in _CUSTOMER.items()},
    "customer_reminders": Field(limits.SEGMENT, "yes or no"),
}
# Activation's field names -> the key under an invoice or line object of the JSON document.
_JSON_KEYS = {"invoice": "invoice_number", "date": "sold_on", "lines": "lines", "sku": "sku",
              "quantity": "quantity", "price": "unit_price", "serial": "serials",
              "extension": "extension_plan", "segment": "customer.segment",
              "customer": "customer.name", "phone": "customer.phone", "email": "customer.email"}


def parse(data: bytes, currency: str) -> Parsed:
    """Either native form; a file whose first character is '{' is the JSON one."""
    first = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return parse_json(data, currency) if first == b"{" else parse_csv(data, currency)


@dataclass(slots=True)
class _Invoice:
    number: str
    row: int
    sold_on: date | None
    customer: CustomerInput | None
    lines: list[LineInput] = field(default_factory=list)


class _Checks:
    """The cell checks of one file, each remembering its verdict on a text it has seen.

    A file repeats its dates, quantities and prices thousands of times; a bad cell is not
    remembered (the check raises again), so every bad row is still named.
    """

    __slots__ = ("price", "quantity", "sold_on")

    def __init__(self, currency: str) -> None:
        self.sold_on = cache(fields.iso_date)
        self.quantity = cache(fields.quantity)
        self.price = cache(partial(_price, currency=currency))


def parse_csv(data: bytes, currency: str) -> Parsed:
    """Rows sharing an invoice_number form one sale; the customer comes from its first row."""
    parsed, table, bad = open_sheet(data, REQUIRED, _CSV_COLUMNS, _CSV_FIELDS)
    if table is None:
        return parsed

    checks = _Checks(currency)
    invoices: dict[str, _Invoice] = {}
    for row, cells in table.rows:
        number = cells["invoice_number"]
        if not number:
            bad(row, "invoice_number", "The invoice number is empty. Copy it from the receipt.")
            continue
        sold_on: date | None = None
        try:
            sold_on = checks.sold_on(cells["sold_on"])
        except ValueError as exc:
            bad(row, "sold_on", str(exc))
        invoice = invoices.get(number)
        if invoice is None:
            agreed = False
            try:
                agreed = fields.yes_or_no(cells.get("customer_reminders", ""))
            except ValueError as exc:
                bad(row, "customer_reminders", str(exc))
            invoice = invoices[number] = _Invoice(number, row, sold_on, fields.customer(
                cells.get("customer_name", ""), cells.get("customer_phone", ""),
                cells.get("customer_email", ""), cells.get("customer_segment", ""),
                cells.get("customer_reference", ""), reminders_agreed=agreed))
        elif sold_on is not None and invoice.sold_on is not None and sold_on != invoice.sold_on:
            bad(row, "sold_on", f"Invoice {number} is dated {invoice.sold_on} on row "
                f"{invoice.row} but {sold_on} here. Every row of one invoice needs the same date.")
        line = _csv_line(row, cells, bad, checks)
        if line is not None:
            invoice.lines.append(line)
    for invoice in invoices.values():
        # An invoice without a date or any good line has its problems listed already.
        if invoice.sold_on is not None and invoice.lines:
            parsed.sales.append(SaleInput(
                invoice_number=invoice.number, sold_on=invoice.sold_on,
                lines=tuple(invoice.lines), customer=invoice.customer, source=CSV_SOURCE,
                source_row=invoice.row))
    return parsed


def _csv_line(
    row: int, cells: dict[str, str], bad: BadCell, checks: _Checks,
) -> LineInput | None:
    ok = True
    sku = cells["sku"]
    if not sku:
        bad(row, "sku", "The SKU is empty. Type the product's SKU as in Settings > Products.")
        ok = False
    try:
        qty = checks.quantity(cells["quantity"])
    except ValueError as exc:
        bad(row, "quantity", str(exc))
        ok = False
    try:
        price = checks.price(cells["unit_price"])
    except MoneyError as exc:
        bad(row, "unit_price", str(exc))
        ok = False
    serials = fields.serial_list(cells.get("serials", ""))
    if len(serials) > 1 or len(cells.get("serials", "")) > limits.SERIAL:
        # The cell as a whole was screened; each serial in it is kept on its own.
        for serial in serials:
            why = fields.cell_problem(serial, _SERIAL, f"The serial {fields.shown(serial)}")
            if why is not None:
                bad(row, "serials", why)
                ok = False
    if not ok:
        return None
    return LineInput(sku=sku, quantity=qty, unit_price_minor=price, serials=serials,
                     extension_plan=cells.get("extension_plan") or None, source_row=row)


def _price(text: str, *, currency: str) -> int:
    minor = parse_amount(text, currency)
    if minor < 0:
        raise MoneyError(f"The price {text.strip()} is negative. Write the price paid per unit; "
                         "returns are not imported.")
    return minor


class _Repeated(dict[str, Any]):
    """A JSON object that wrote some key twice; which value was meant cannot be told."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    marked = _Repeated(pairs)
    marked.repeated = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return marked


def _kind(value: object) -> str:
    """What a JSON value is, in words, without writing out a value that may be huge."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a number"


class _JsonProblems:
    """Collects problems for one JSON document, naming each place by its path."""

    def __init__(self, parsed: Parsed, currency: str) -> None:
        self.parsed = parsed
        self.currency = currency

    def add(self, row: int | None, path: str, message: str) -> None:
        self.parsed.problems.append(Problem(row, path, message))

    def repeated(self, obj: dict[str, Any], row: int | None, path: str) -> bool:
        """Whether the object wrote a key twice; each such key is a problem at its path."""
        keys = getattr(obj, "repeated", ())
        for key in keys:
            self.add(row, f"{path}.{key}" if path else key,
                     f"{key} is written more than once here, so it is not clear which to read. "
                     "Keep one of them.")
        return bool(keys)

    def text(self, obj: dict[str, Any], key: str, row: int, path: str, rule: Field, *,
             required: bool = False) -> str | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.add(row, f"{path}.{key}", f"{key} is missing. Add it to the invoice.")
                return None
            return ""
        # Numbers are fine where text is expected: an invoice number or phone may be all digits.
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.add(row, f"{path}.{key}", f"{key} must be text, not {_kind(value)}.")
            return None
        text = str(value)
        why = fields.cell_problem(text, rule, f"{key}")
        if why is not None:
            self.add(row, f"{path}.{key}", why)
            return None
        return text.strip()


def parse_json(data: bytes, currency: str) -> Parsed:
    """The JSON document; rows are invoice positions (first is 1), columns are JSON paths."""
    parsed = Parsed(columns=dict(_JSON_KEYS))
    text, problem = decode(data)
    if problem is not None:
        parsed.problems.append(Problem(None, "file", problem.message))
        return parsed
    try:
        # Decimal keeps 1299.10 exact and lets 12.345 be refused for its third decimal.
        doc = json.loads(text, parse_float=Decimal, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        parsed.problems.append(Problem(None, "file", f"The file is not valid JSON: {exc.msg} at "
                                       f"line {exc.lineno}, column {exc.colno}. Export it again."))
        return parsed
    except RecursionError:
        parsed.problems.append(Problem(None, "file", "The file nests lists and objects far "
                                       "deeper than an invoice file does. Export it from "
                                       "Warranty Desk again."))
        return parsed
    except ValueError:
        # Python refuses to read a number of more than 4,300 digits.
        parsed.problems.append(Problem(None, "file", "The file holds a number with thousands "
                                       "of digits, which no invoice has. Export it again."))
        return parsed
    if isinstance(doc, dict) and _JsonProblems(parsed, currency).repeated(doc, None, ""):
        return parsed
    if not isinstance(doc, dict) or doc.get("format") != JSON_MARKER:
        parsed.problems.append(Problem(None, "format", f'The file must say "format": '
                                       f'"{JSON_MARKER}". Export it from Warranty Desk again.'))
        return parsed
    if doc.get("version") != JSON_VERSION:
        parsed.problems.append(Problem(None, "version", f"Version {doc.get('version')!r} is not "
                                       f"known here; this Warranty Desk reads version "
                                       f"{JSON_VERSION}. Update Warranty Desk or export again."))
        return parsed
    invoices = doc.get("invoices")
    if not isinstance(invoices, list):
        parsed.problems.append(Problem(None, "invoices", "invoices must be a list of invoices."))
        return parsed
    if not invoices:
        parsed.problems.append(Problem(None, "invoices", "The file lists no invoices, so there "
                                       "is nothing to import. Export the sales again for a "
                                       "period that has some."))
        return parsed
    lines = sum(len(i["lines"]) for i in invoices
                if isinstance(i, dict) and isinstance(i.get("lines"), list))
    if max(len(invoices), lines) > limits.MAX_ROWS:
        parsed.problems.append(Problem(None, "invoices", f"The file has {len(invoices):,} "
                                       f"invoices with {lines:,} lines; Warranty Desk imports at "
                                       f"most {limits.MAX_ROWS:,} lines at a time. Export a "
                                       "shorter period, or split the file."))
        return parsed
    parsed.rows = len(invoices)
    keys = count(1)
    out = _JsonProblems(parsed, currency)
    for index, invoice in enumerate(invoices):
        sale = _json_sale(invoice, index, out, keys)
        if sale is not None:
            parsed.sales.append(sale)
    return parsed


def _json_sale(invoice: Any, index: int, out: _JsonProblems, keys: count[int]) -> SaleInput | None:
    row, path = index + 1, f"invoices[{index}]"
    if not isinstance(invoice, dict):
        out.add(row, path, "Each invoice must be an object with invoice_number, sold_on and lines.")
        return None
    if out.repeated(invoice, row, path):
        return None
    number = out.text(invoice, "invoice_number", row, path, _INVOICE, required=True)
    sold_text = out.text(invoice, "sold_on", row, path, _DATE, required=True)
    sold_on: date | None = None
    if sold_text is not None:
        try:
            sold_on = fields.iso_date(sold_text)
        except ValueError as exc:
            out.add(row, f"{path}.sold_on", str(exc))
    customer = _json_customer(invoice.get("customer"), row, f"{path}.customer", out)
    raw_lines = invoice.get("lines")
    lines: list[LineInput] = []
    # Activation names places by one number; every sale and line gets its own key to find them.
    sale_key = next(keys)
    out.parsed.places[sale_key] = (row, path)
    if not isinstance(raw_lines, list) or not raw_lines:
        out.add(row, f"{path}.lines", "The invoice has no lines. Add at least one line with "
                "sku, quantity and unit_price.")
    else:
        for j, raw in enumerate(raw_lines):
            line_key = next(keys)
            out.parsed.places[line_key] = (row, f"{path}.lines[{j}]")
            line = _json_line(raw, row, f"{path}.lines[{j}]", out, line_key)
            if line is not None:
                lines.append(line)
    # A sale keeps its good lines, so activation still checks them and lists every bad row.
    if number is None or sold_on is None or not lines:
        return None
    return SaleInput(invoice_number=number, sold_on=sold_on, lines=tuple(lines),
                     customer=customer, source=JSON_SOURCE, source_row=sale_key)


def _json_customer(raw: Any, row: int, path: str, out: _JsonProblems) -> CustomerInput | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        out.add(row, path, "customer must be an object with name, phone, email and segment.")
        return None
    if out.repeated(raw, row, path):
        return None
    values = [out.text(raw, key, row, path, rule) for key, rule in _CUSTOMER.items()]
    if any(v is None for v in values):
        return None
    name, phone, email, segment, reference = (v or "" for v in values)
    return fields.customer(name, phone, email, segment, reference)


def _json_line(raw: Any, row: int, path: str, out: _JsonProblems, key: int) -> LineInput | None:
    if not isinstance(raw, dict):
        out.add(row, path, "Each line must be an object with sku, quantity and unit_price.")
        return None
    before = len(out.parsed.problems)
    if out.repeated(raw, row, path):
        return None
    sku = out.text(raw, "sku", row, path, _SKU, required=True)
    qty = 0
    value = raw.get("quantity")
    if isinstance(value, bool) or not isinstance(value, int | str):
        out.add(row, f"{path}.quantity", "quantity must be a whole number of units, like 1.")
    else:
        try:
            qty = fields.quantity(str(value))
        except ValueError as exc:
            out.add(row, f"{path}.quantity", str(exc))
    price = 0
    value = raw.get("unit_price")
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        out.add(row, f"{path}.unit_price", 'unit_price must be an amount like "1299.00".')
    else:
        try:
            price = _price(str(value), currency=out.currency)
        except MoneyError as exc:
            out.add(row, f"{path}.unit_price", str(exc))
    serials = _json_serials(raw.get("serials"), row, f"{path}.serials", out)
    plan = out.text(raw, "extension_plan", row, path, _PLAN)
    if len(out.parsed.problems) != before or sku is None:
        return None
    return LineInput(sku=sku, quantity=qty, unit_price_minor=price, serials=serials,
                     extension_plan=plan or None, source_row=key)


def _json_serials(raw: Any, row: int, path: str, out: _JsonProblems) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        raw = list(fields.serial_list(raw)) if len(raw) <= limits.SERIALS else [raw]
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        out.add(row, path, 'serials must be a list of serial numbers, like ["SN1", "SN2"].')
        return ()
    if len(raw) > limits.MAX_QUANTITY:
        out.add(row, path, f"{len(raw):,} serials is more than the {limits.MAX_QUANTITY:,} units "
                "one line may have. Split the line.")
        return ()
    ok = True
    for i, serial in enumerate(raw):
        why = fields.cell_problem(serial, _SERIAL, "The serial")
        if why is not None:
            out.add(row, f"{path}[{i}]", why)
            ok = False
    return tuple(s.strip() for s in raw if s.strip()) if ok else ()
