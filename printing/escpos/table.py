"""The close report's per-staff table, laid out to whatever columns the paper has."""

from __future__ import annotations

from printing.escpos.document import PLAIN, Document, Style
from warranty_desk.printables import ShopHeader, StaffDay

_HEADERS = ("Act", "Ext", "Revenue", "Gap", "Opn", "Cls")
_LEGEND = (("Act", "activations"), ("Ext", "extensions sold"), ("Revenue", "extension revenue"),
           ("Gap", "registration gaps"), ("Opn/Cls", "claims opened/closed"))
# A name column narrower than this reads badly; below it each person takes two rows.
_MIN_NAME = 10
_ROOMY_NAME = 14
_BOLD = Style(bold=True)


def _cells(row: StaffDay, shop: ShopHeader) -> tuple[str, ...]:
    return (str(row.activations), str(row.extensions_sold),
            shop.money.people(row.extension_revenue_minor),
            str(row.registration_gaps), str(row.claims_opened), str(row.claims_closed))


def staff_table(doc: Document, rows: tuple[StaffDay, ...], totals: StaffDay,
                shop: ShopHeader) -> None:
    """Staff rows, a rule, the totals row, and a legend for the short column headers."""
    people = [(row.staff_name, _cells(row, shop)) for row in rows]
    total = (totals.staff_name or "Total", _cells(totals, shop))
    widths = [max(len(header), *(len(cells[i]) for _, cells in [*people, total]))
              for i, header in enumerate(_HEADERS)]

    # Two spaces between numbers read better, when the paper leaves the names enough room.
    gap = " " * (2 if doc.columns - _span(widths, 2) - 1 >= _ROOMY_NAME else 1)

    def numbers(cells: tuple[str, ...]) -> str:
        return gap.join(cell.rjust(width) for cell, width in zip(cells, widths, strict=True))

    span = len(numbers(_HEADERS))
    if span > doc.columns:
        _as_fields(doc, [*people, total])
        return
    name_width = doc.columns - span - 1
    one_row = name_width >= _MIN_NAME

    def line(name: str, cells: tuple[str, ...], style: Style = PLAIN) -> None:
        if one_row and len(name) <= name_width:
            doc.row(name.ljust(name_width) + " " + numbers(cells), style)
            return
        # The name on its own row, the numbers right-aligned under the headers.
        doc.text(name, bold=style.bold)
        doc.row(numbers(cells).rjust(doc.columns), style)

    if one_row:
        doc.row("Staff".ljust(name_width) + " " + numbers(_HEADERS), _BOLD)
    else:
        doc.row("Staff", _BOLD)
        doc.row(numbers(_HEADERS).rjust(doc.columns), _BOLD)
    doc.rule()
    for name, cells in people:
        line(name, cells)
    doc.rule()
    line(*total, _BOLD)
    doc.blank()
    for short, meaning in _LEGEND:
        doc.field(short, meaning, label_columns=9)


def _span(widths: list[int], gap: int) -> int:
    return sum(widths) + gap * (len(widths) - 1)


def _as_fields(doc: Document, people: list[tuple[str, tuple[str, ...]]]) -> None:
    # Amounts too wide for any table: each person as label/value rows instead.
    labels = ("Activations", "Extensions", "Revenue", "Reg. gaps", "Claims in", "Claims out")
    for name, cells in people:
        doc.blank()
        doc.text(name, bold=True)
        for label, cell in zip(labels, cells, strict=True):
            doc.field(label, cell)
