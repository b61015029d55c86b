"""Brand claims across every branch, by supplier: their status and what the supplier owes,
paid and left unpaid."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.projections.models import BrandClaim
from portal.staff.models import Role
from portal.staff.roles import BRAND_CLAIMS, allow
from portal.staff.supplier import brand_claims_for

# A page shows this many brand claims at most; a supplier filter finds the rest.
LIMIT = 500


@dataclass
class SupplierGroup:
    """One supplier's brand claims, with their totals per currency."""

    supplier: str
    rows: list[BrandClaim] = field(default_factory=list)
    totals: dict[str, list[int]] = field(default_factory=dict)  # currency -> [expected, ...]

    def add(self, row: BrandClaim) -> None:
        """One more brand claim of the supplier."""
        self.rows.append(row)
        sums = self.totals.setdefault(row.currency, [0, 0, 0, 0])
        for at, amount in enumerate((row.expected_minor, row.settled_minor,
                                     row.written_off_minor, row.outstanding_minor)):
            sums[at] += amount


@require_GET
@allow(*BRAND_CLAIMS)
def listing(request: HttpRequest) -> HttpResponse:
    """Brand claims by supplier (open ones unless ?closed=1), optionally one supplier's; a
    supplier contact's own supplier's only."""
    supplier = request.GET.get("supplier", "").strip()[:200]
    with_closed = request.GET.get("closed") == "1"
    visible = brand_claims_for(request.staff)  # type: ignore[attr-defined]
    found = visible.order_by("supplier", "branch__code", "number")
    if not with_closed:
        found = found.filter(closed=False)
    if supplier:
        found = found.filter(supplier__iexact=supplier)
    rows = list(found[:LIMIT + 1])
    groups: dict[str, SupplierGroup] = {}
    for row in rows[:LIMIT]:
        groups.setdefault(row.supplier.casefold(), SupplierGroup(row.supplier)).add(row)
    suppliers = sorted(set(visible.values_list("supplier", flat=True)),
                       key=str.casefold)
    return render(request, "office/brand_claims.html", {
        "groups": list(groups.values()), "supplier": supplier, "suppliers": suppliers,
        "with_closed": with_closed, "more": len(rows) > LIMIT, "limit": LIMIT,
        # A supplier's contact sees what their supplier owes and paid, not what the shop wrote
        # off (its own finance's business).
        "mine_only": request.staff.role == Role.SUPPLIER})  # type: ignore[attr-defined]
