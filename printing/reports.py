"""Management reports on paper: a report's plain cells formatted for the shop and drawn as PDF."""

from __future__ import annotations

from datetime import datetime

from printing.pdf import ReportChart, ReportDoc, ReportPart, render_report_pdf
from warranty_desk.permissions import Actor
from warranty_desk.printables import ShopHeader
from warranty_desk.services.letterhead import header, local_now, shop_of
from warranty_desk.services.report_table import Cell, ReportTable
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore


def _number(value: Cell) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _numeric(table: ReportTable) -> frozenset[int]:
    return frozenset(
        n for n in range(len(table.columns))
        if table.rows and all(isinstance(row[n], int | float) or row[n] is None
                              for row in table.rows))


def report_doc(table: ReportTable, shop: ShopHeader, printed_at: datetime) -> ReportDoc:
    """The report's cells in the shop's words, with its chart column drawn as bars and the
    tables that follow it (a report's failures) beneath."""
    numeric = _numeric(table)
    rows = table.for_people(shop.money)
    chart = None
    if table.chart_column is not None and table.rows:
        col = table.chart_column
        chart = ReportChart(
            title=f"{table.columns[col]} per {table.columns[0].lower()}",
            labels=tuple(str(row[0]) for row in table.rows),
            values=tuple(_number(row[col]) for row in table.rows),
            unit="")
    notes = table.notes or (() if table.rows else ("Nothing to report for this period.",))
    follow = tuple(ReportPart(title=t.title, columns=t.columns, rows=t.for_people(shop.money),
                              numeric=_numeric(t)) for t in table.follow)
    return ReportDoc(title=table.title, subtitle=table.subtitle, shop=shop, printed_at=printed_at,
                     columns=table.columns, rows=rows, numeric=numeric, chart=chart, notes=notes,
                     follow=follow)


def report_pdf(db: Database, actor: Actor, table: ReportTable, *, paper: str = "A4",
               documents: DocumentStore | None = None) -> bytes:
    """A management report as a PDF with the shop's letterhead."""
    del actor  # the report itself was built under the actor's permission
    with db.read() as session:
        shop = shop_of(session)
        head, now = header(shop, documents), local_now(session, shop)
    return render_report_pdf(report_doc(table, head, now), paper=paper)
