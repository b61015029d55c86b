"""The checks of a batch of sales, sale by sale and line by line, each problem with its row."""

from __future__ import annotations

from datetime import date

from warranty_desk.errors import BadInput
from warranty_desk.rules.extension import extension_eligibility
from warranty_desk.services.extension_plans import extension_terms, unknown_plan
from warranty_desk.services.sale_customers import match_key, name_problem, segment_value
from warranty_desk.services.sale_facts import ProductInfo, SaleFacts
from warranty_desk.services.sale_input import LineInput, Problem, SaleInput
from warranty_desk.services.sale_plan import Plan

# A line that passed every check: the line, its product and its serials as stored.
CheckedLine = tuple[LineInput, ProductInfo, list[str]]
# A sale whose invoice is new, with those of its lines that passed.
Pending = tuple[SaleInput, list[CheckedLine]]


class SaleChecks:
    """Checks one batch's sales in turn; what an earlier sale gave (its invoice number, its
    serials, the names its phone and email came with) counts against the later ones."""

    def __init__(self, facts: SaleFacts, plan: Plan, *, today: date, skip_recorded: bool,
                 require_serials: bool) -> None:
        self._facts = facts
        self._plan = plan
        self._today = today
        self._skip_recorded = skip_recorded
        self._require_serials = require_serials
        self._invoices: dict[tuple[str, str], int | None] = {}
        self._serials: dict[tuple[bytes, str], int | None] = {}
        # Phone and email keys first given in this input, with the name and row they came with.
        self._named: dict[str, tuple[str, int | None]] = {}

    def _problem(self, row: int | None, column: str, message: str) -> None:
        self._plan.problems.append(Problem(row, column, message))

    def sale(self, sale: SaleInput, serials: list[list[str]]) -> Pending | None:
        """The sale with its lines that passed, or None when its invoice goes no further
        (empty, twice in the batch, or recorded before)."""
        if not self._invoice_is_new(sale):
            return None
        row = sale.source_row
        if sale.sold_on > self._today:
            self._problem(row, "date", f"The sale date {sale.sold_on} is in the future. "
                          "Check the date.")
        if not sale.lines:
            self._problem(row, "lines", f"Invoice {sale.invoice_number.strip()} has no lines.")
        if sale.customer is not None:
            self._customer(sale, row)
        checked = [line for ln, line_serials in zip(sale.lines, serials, strict=True)
                   if (line := self._line(sale, ln, line_serials)) is not None]
        return sale, checked

    def _invoice_is_new(self, sale: SaleInput) -> bool:
        number, row = sale.invoice_number.strip(), sale.source_row
        if not number:
            self._problem(row, "invoice", "The invoice number is empty.")
            return False
        key = (sale.source, number)
        if key in self._invoices:
            self._problem(row, "invoice", f"Invoice {number} appears twice in this input "
                          f"(first at row {self._invoices[key]}).")
            return False
        self._invoices[key] = row
        if key not in self._facts.recorded:
            return True
        if self._skip_recorded:
            self._plan.skipped_invoices.append(number)
        else:
            self._problem(row, "invoice", f"Invoice {number} is already recorded. Look it up "
                          "instead of entering it again.")
        return False

    def _customer(self, sale: SaleInput, row: int | None) -> None:
        assert sale.customer is not None
        try:
            segment_value(sale.customer.segment)
        except BadInput as exc:
            self._problem(row, "segment", str(exc))
        form = self._facts.forms[match_key(sale.customer)]
        for column, why in form.problems:
            self._problem(row, column, why)
        clash = name_problem(sale.customer, form, self._facts.known, self._named, row)
        if clash is not None:
            self._problem(row, "customer", clash)

    def _line(self, sale: SaleInput, ln: LineInput, serials: list[str]) -> CheckedLine | None:
        row = ln.source_row if ln.source_row is not None else sale.source_row
        before = len(self._plan.problems)
        info = self._facts.product_of[ln.sku]
        if info is None:
            self._problem(row, "sku", f"Unknown product {ln.sku!r}. Add it under "
                          "Settings > Products, or fix the SKU.")
            return None
        if ln.quantity < 1:
            self._problem(row, "quantity", f"Quantity {ln.quantity} is not a positive number.")
            return None
        if ln.unit_price_minor < 0:
            self._problem(row, "price", "The price is negative.")
        self._serial_count(ln, info, serials, row)
        self._serials_free(info, serials, row)
        if ln.extension_plan:
            self._extension(sale, ln, info, row)
        for name in ln.declined_plans:
            if name.strip() not in self._facts.plans:
                self._problem(row, "extension", f"Unknown extension plan {name!r}.")
        return (ln, info, serials) if len(self._plan.problems) == before else None

    def _serial_count(self, ln: LineInput, info: ProductInfo, serials: list[str],
                      row: int | None) -> None:
        if info.serial_required and len(serials) != ln.quantity and (
                self._require_serials or serials):
            self._problem(row, "serial", f"{info.name} needs a serial for each unit: "
                          f"{ln.quantity} sold, {len(serials)} serial(s) given. Scan the "
                          "missing serial(s).")
        elif len(serials) > ln.quantity:
            self._problem(row, "serial", f"{len(serials)} serials for {ln.quantity} unit(s). "
                          "Remove the extra ones.")
        if len(serials) > 1 and len(set(serials)) != len(serials):
            self._problem(row, "serial", "The same serial is given twice on this line.")

    def _serials_free(self, info: ProductInfo, serials: list[str], row: int | None) -> None:
        """Each serial neither covered by an active warranty nor given at another row."""
        for serial in serials:
            pair = (info.key, serial)
            if pair in self._facts.covered:
                self._problem(row, "serial", f"Serial {serial} of {info.name} is already "
                              f"covered by warranty {self._facts.covered[pair]}. Check the "
                              "unit, or void that warranty first.")
            elif pair in self._serials and self._serials[pair] != row:
                self._problem(row, "serial", f"Serial {serial} also appears at row "
                              f"{self._serials[pair]}.")
            self._serials.setdefault(pair, row)

    def _extension(self, sale: SaleInput, ln: LineInput, info: ProductInfo,
                   row: int | None) -> None:
        assert ln.extension_plan is not None
        ext = self._facts.plans.get(ln.extension_plan.strip())
        if ext is None or not ext.active:
            self._problem(row, "extension",
                          unknown_plan(ln.extension_plan, self._facts.plans.values()))
            return
        verdict = extension_eligibility(
            extension_terms(ext), category=info.category, unit_price_minor=ln.unit_price_minor,
            sale_date=sale.sold_on, today=self._today, already_extended=False, void=False,
            money=self._facts.money.people)
        if not verdict.eligible:
            self._problem(row, "extension", f"{ext.name} cannot be sold with {info.name}: "
                          f"{verdict.reason}")
