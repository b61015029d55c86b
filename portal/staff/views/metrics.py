"""The metrics across branches (/office/metrics/): the figures every till's dashboard shows, from
the same definitions, over head office's records; as a page, CSV or PDF, and the records
behind each figure."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal import clock
from portal.errors import PortalInputError
from portal.projections.models import Claim, Warranty
from portal.staff import charts, metric_store
from portal.staff.metric_page import (
    ALL,
    Page,
    Query,
    as_csv,
    behind,
    build,
    parse,
    subtitle,
    table,
)
from portal.staff.metric_rows import unzoned
from portal.staff.roles import EVERYONE, allow
from printing.pdf.report import ReportDoc, ReportPart, render_report_pdf
from warranty_desk.printables import ShopHeader
from warranty_desk.rules.metrics.costs import ALL_KINDS
from warranty_desk.rules.metrics.figures import CLAIM
from warranty_desk.rules.metrics.rows import DIMENSIONS

# The figures the page charts per group when comparing (each is a count or a share).
COMPARED = ("claim-volume", "cost-per-claim", "resolution-speed", "refund-accuracy")
EACH_OWN_DAYS = ("When figures are compared across branches, the range is each branch's own "
                 "days, midnight to midnight in that branch's time zone.")
STILL_UTC = ("Branches still on UTC (their tills have not told head office their time zone "
             "yet, so their days are counted in UTC):")
PER_PAGE = 200  # records listed behind one figure on a page (a staff page stays quick)


def _form(query: Query | None, request: HttpRequest) -> dict[str, Any]:
    raw = {n: request.GET.get(n, "")[:200] for n in ("since", "until", "by", *DIMENSIONS)}
    if query is not None:
        raw |= {"since": query.since.isoformat(), "until": query.until.isoformat()}
    return {"raw": raw, "dimensions": DIMENSIONS}


@require_GET
@allow(*EVERYONE)
def overview(request: HttpRequest) -> HttpResponse:
    """Every figure for a range, filters and comparison; ?format=csv or pdf to take it away."""
    try:
        query = parse(request.GET)
        kind = request.GET.get("format", "")
        # Counted in SQL, the exports too (with how many records stand behind each figure);
        # a figure's records are listed when it is picked (records_behind).
        # Kept for everyone (metric_store), built once; on screen up to a minute behind what
        # branches sent since, and said so; counted again now when asked, and for an export.
        url = reverse("office:metrics-behind")
        exact = bool(kind) or request.GET.get("counted") == "now"
        page, counted_at = metric_store.page(query, url, lambda: build(query, url),
                                             exact=exact)
    except PortalInputError as problem:
        return render(request, "office/metrics.html",
                      {"problem": str(problem), **_form(None, request)}, status=400)
    stem = f"metrics-{query.since}-{query.until}"
    if kind == "csv":
        answer = HttpResponse(as_csv(page), content_type="text/csv; charset=utf-8")
        answer["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return answer
    if kind == "pdf":
        answer = HttpResponse(_pdf(page), content_type="application/pdf")
        answer["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
        return answer
    return render(request, "office/metrics.html", {
        **_form(query, request), "page": page, "query": query, "subtitle": subtitle(query),
        "weekly": charts.weeks("Claims opened per week, and open at each week's end",
                               page.weeks, page.opened, page.still_open),
        "cost": _cost_chart(page), "compared": _compared(page),
        "each_own_days": EACH_OWN_DAYS, "unzoned": _unzoned(page), "counted_at": counted_at,
        "export": query.params()})


def _cost_chart(page: Page) -> Any:
    keys = {f"cost-{kind.replace('_', '-')}" for kind in ALL_KINDS}
    kinds = [s for s in page.figures if s.figure.key in keys]
    return charts.bars("Cost by kind", [s.figure.title.removeprefix("Cost: ") for s in kinds],
                       [float(s.figure.value or 0) for s in kinds], [s.text for s in kinds])


def _compared(page: Page) -> list[Any]:
    if not page.groups:
        return []
    found = []
    for key in COMPARED:
        n = next(i for i, s in enumerate(page.figures) if s.figure.key == key)
        title = page.figures[n].figure.title
        values = [g[n] for g in page.groups.values()]
        caption = f"{title} by {page.query.by}"
        found.append((caption, charts.bars(
            caption, list(page.groups),
            [float(s.figure.value) if s.figure.value is not None else None for s in values],
            [s.text or "branch figure" for s in values])))
    return found


def _pdf(page: Page) -> bytes:
    columns, rows = table(page)
    head = ShopHeader(name="Head office", branch_name="Every branch", branch_code="",
                      address="", phone="", email="", locale="en_GB",
                      currency=page.money or "GBP")
    notes = tuple(f"{s.figure.title}: " + (f"a branch figure (head office does not hold "
                                            f"{s.branch_only})." if s.branch_only
                                            else s.figure.definition) for s in page.figures)
    notes += _days_said(page)
    weekly = ReportPart("Claims per week", ("Week", "Opened", "Open at the week's end"),
                        tuple((w, str(o), str(h)) for w, o, h in
                              zip(page.weeks, page.opened, page.still_open, strict=True)),
                        frozenset({1, 2}))
    return render_report_pdf(ReportDoc(
        title="Metrics across branches", subtitle=subtitle(page.query), shop=head,
        printed_at=clock.now(), columns=columns, rows=tuple(rows),
        numeric=frozenset(range(1, len(columns))), notes=notes, follow=(weekly,)))


def _unzoned(page: Page) -> list[str]:
    """The codes of the branches the page counts whose days are UTC's (no zone told yet)."""
    return [c for c in unzoned() if page.query.filters.get("branch", c) == c]


def _days_said(page: Page) -> tuple[str, ...]:
    """Whose days the figures count, as the PDF says it."""
    codes = _unzoned(page)
    return (EACH_OWN_DAYS, *([f"{STILL_UTC} {', '.join(codes)}."] if codes else []))


def _page_number(raw: str) -> int:
    try:
        return max(int(raw.strip() or "1"), 1)
    except ValueError:
        raise PortalInputError(f"The page {raw[:20]!r} is not a number.") from None


@require_GET
@allow(*EVERYONE)
def records_behind(request: HttpRequest) -> HttpResponse:
    """The claims (or warranties) that make one figure, a page at a time, each opening its own
    page."""
    try:
        query = parse(request.GET)
        number = _page_number(request.GET.get("page", ""))
        found = behind(query, request.GET.get("figure", ""), offset=(number - 1) * PER_PAGE,
                       limit=PER_PAGE)
    except PortalInputError as problem:
        return render(request, "office/metrics_behind.html",
                      {"problem": str(problem)}, status=400)
    figure, listed = found.figure, list(found.records)
    records: list[tuple[str, str, Claim | Warranty | None]]
    if figure.behind_kind == CLAIM:
        claims = {c.number: c for c in Claim.objects.select_related(
            "branch", "warranty__product").filter(number__in=listed)}
        records = [("claim", n, claims.get(n)) for n in listed]
    else:
        held = {w.code: w for w in Warranty.objects.select_related("branch", "product")
                .filter(code__in=listed)}
        records = [("warranty", n, held.get(n)) for n in listed]
    group = {n: query.filters[n] for n in query.filters}
    first = (number - 1) * PER_PAGE
    figure_of = request.GET.get("figure", "")

    def page_at(n: int) -> str:
        return query.params(figure=figure_of, **({"page": str(n)} if n > 1 else {}))

    return render(request, "office/metrics_behind.html", {
        "figure": figure, "records": records, "total": found.total,
        "first": first + 1, "last": first + len(listed),
        "earlier": page_at(number - 1) if number > 1 else "",
        "later": page_at(number + 1) if first + len(listed) < found.total else "",
        "subtitle": subtitle(replace(query, by="")), "group": group, "all": ALL,
        "back": query.params()})
