"""The records behind head office's figures read in SQL (portal/staff/metric_behind.py) are the
row path's (metric_rows.load_rows through figures.figures): every figure's listing, page by
page, and how many records each figure and compared group has; the CSV export counted in SQL
is the one the row path writes. Over the generated stories of test_metric_counts.py: branches in
zones with and without summer time, ranges, filters and comparisons of any field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.portal.support import PortalDatabase
from tests.portal.test_metric_counts import FIRST, SPAN, _filter_values, _write, stories
from warranty_desk.rules.metrics.rows import DIMENSIONS


@pytest.fixture(scope="module", autouse=True)
def _database(portal_db: PortalDatabase) -> PortalDatabase:
    return portal_db


def _query(story: dict[str, Any], data: st.DataObject) -> Any:
    from portal.staff.metric_page import Query

    since = FIRST + timedelta(days=data.draw(st.integers(-3, SPAN)))
    until = since + timedelta(days=data.draw(st.sampled_from((0, 6, 13, 40, 90))))
    values = _filter_values(story)
    fields = data.draw(st.lists(st.sampled_from(DIMENSIONS), max_size=2, unique=True))
    filters = {f: data.draw(st.sampled_from(values[f])) for f in fields}
    return Query(since, until, filters, data.draw(st.sampled_from(("", *DIMENSIONS))))


def _linked(page: Any) -> Any:
    def shown(figures: Any) -> list[tuple[str, int, str]]:
        return [(s.figure.key, s.records, s.behind) for s in figures]

    return shown(page.figures), {k: shown(v) for k, v in page.groups.items()}


def _some(found: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    kept = {g: {k: n for k, n in v.items() if n} for g, v in found.items()}
    return {g: v for g, v in kept.items() if v}


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(story=stories(), data=st.data())
def test_every_figures_records_are_the_row_paths(story: dict[str, Any], data: st.DataObject
                                                 ) -> None:
    from django.db import transaction

    from portal.staff.metric_behind import counts, listed
    from portal.staff.metric_counts import load_counted
    from portal.staff.metric_page import as_csv, build

    query = _query(story, data)
    size = data.draw(st.sampled_from((1, 2, 500)))
    with transaction.atomic():
        _write(story)
        counted, rows = build(query, "/b/"), build(query, "/b/", counted=False)
        # How many records each figure has, and so which figures link to them, per group.
        assert _linked(counted) == _linked(rows)
        assert as_csv(counted) == as_csv(rows)
        # Read alone (no counted page to take the shares, waits and sales from), alike (a
        # figure or group left out has nothing behind it).
        alone = counts(query.since, query.until, query.filters, query.by)
        given = counts(query.since, query.until, query.filters, query.by,
                       load_counted(query.since, query.until, query.filters, query.by))
        assert _some(alone) == _some(given)
        parts = [(query.filters, rows.figures)] + [
            ({**query.filters, query.by: value}, shown) for value, shown in rows.groups.items()]
        for filters, shown in parts:
            for s in shown:
                whole = listed(query.since, query.until, filters, s.figure.key, limit=10_000)
                assert (whole.records, whole.total) == (s.figure.behind,
                                                        len(s.figure.behind)), s.figure.key
                assert whole.figure.title == s.figure.title
                if len(s.figure.behind) > size:  # the second page: the listing's next records
                    page = listed(query.since, query.until, filters, s.figure.key,
                                  offset=size, limit=size)
                    assert page.records == s.figure.behind[size:2 * size]
                    assert page.total == len(s.figure.behind)
        transaction.set_rollback(True)


def test_an_unknown_figure_is_refused_in_words() -> None:
    from portal.errors import PortalInputError
    from portal.staff.metric_behind import listed

    with pytest.raises(PortalInputError, match="no figure"):
        listed(FIRST, FIRST, {}, "nonsense")


def _story(claims: int) -> dict[str, Any]:
    """One branch in Auckland with `claims` claims opened a day apart and nothing else."""
    from datetime import UTC, datetime

    opened = datetime(FIRST.year, FIRST.month, FIRST.day, 3, tzinfo=UTC)
    claim = {"closed": None, "state": "received", "outcome": "", "promised": None,
             "sale": None, "sku": "", "customer": None, "staff": "", "refund": None,
             "approver": "", "events": [], "hours": []}
    return {"branches": [{"code": "B0", "zone": "Pacific/Auckland", "products": [],
                          "customers": 0, "sales": [], "recovery": [],
                          "claims": [{**claim, "opened": opened + timedelta(days=n)}
                                     for n in range(claims)]}]}


def test_the_records_behind_come_a_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import transaction
    from django.urls import reverse

    from portal.staff.views import metrics
    from tests.portal.office import signed_in

    monkeypatch.setattr(metrics, "PER_PAGE", 2)
    browser, _ = signed_in("support")
    query = {"since": FIRST.isoformat(), "until": (FIRST + timedelta(days=9)).isoformat(),
             "figure": "claim-volume"}
    url = reverse("office:metrics-behind")
    with transaction.atomic():
        _write(_story(5))
        pages = [browser.get(url, {**query, "page": str(n)}).content.decode()
                 for n in (1, 2, 3)]
        numbers = [[f"B0-K{k}" in text for k in range(5)] for text in pages]
        assert numbers == [[True, True, False, False, False], [False, False, True, True, False],
                           [False, False, False, False, True]]
        assert all("Claims opened: the 5 records behind it" in text for text in pages)
        assert "Records 3–4 of 5." in pages[1] and 'rel="prev"' in pages[1] \
            and 'rel="next"' in pages[1]
        assert 'rel="prev"' not in pages[0] and 'rel="next"' not in pages[2]
        wrong = browser.get(url, {**query, "page": "two"})
        assert wrong.status_code == 400 and "is not a number" in wrong.content.decode()
        transaction.set_rollback(True)


def test_a_figure_with_nothing_behind_it_has_no_link() -> None:
    from django.db import transaction

    from portal.staff.metric_page import Query, build

    with transaction.atomic():
        _write(_story(2))
        page = build(Query(FIRST, FIRST + timedelta(days=9)), "/b/")
        shown = {s.figure.key: (s.records, bool(s.behind)) for s in page.figures}
        assert shown["claim-volume"] == (2, True) and shown["open-claims"] == (2, True)
        # Opened but neither closed nor costed: those figures list nothing, and link nowhere.
        assert shown["resolution-speed"] == shown["cost-labour"] == (0, False)
        transaction.set_rollback(True)
