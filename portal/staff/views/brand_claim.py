"""One brand claim's page: its facts and history for head office and the supplier's contact, and
the contact's updates to it (status, their claim ID, their report, a settlement proposal)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from portal.errors import PortalInputError
from portal.projections.models import BrandClaim
from portal.staff import supplier
from portal.staff.models import Role, StaffMember
from portal.staff.roles import BRAND_CLAIMS, SUPPLIER, allow
from portal.staff.timeline import describe_brand
from warranty_desk.rules.brand_status import BRAND_STATUSES

_SHOPS_OWN = frozenset({"brand_claim.written_off"})
# What each update form is, as the page's hidden `what` field names it.
_SENT = {"status": "The status", "claim_id": "Your claim ID", "report": "Your report",
         "proposal": "Your settlement proposal"}


def _context(request: HttpRequest, row: BrandClaim, *, failed: str = "", error: str = ""
             ) -> dict[str, Any]:
    member: StaffMember = request.staff  # type: ignore[attr-defined]
    typed = request.POST if failed else {}
    is_supplier = member.role == Role.SUPPLIER
    # What the shop gave up on is its own finance's business, not the supplier's.
    lines = [line for line in row.lines.all()
             if not (is_supplier and line.topic in _SHOPS_OWN)]
    return {
        "b": row, "history": [describe_brand(line, row.currency) for line in lines],
        "updates": supplier.sent_updates(row),
        "may_update": is_supplier,
        "statuses": [(key, words) for key, words in BRAND_STATUSES.items()],
        "failed": failed, "error": error, "typed": typed,
        "is_supplier": is_supplier,
    }


@require_GET
@allow(*BRAND_CLAIMS)
def detail(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """The brand claim, its history and the updates sent about it."""
    row = supplier.brand_claim_or_404(request.staff, code, number)  # type: ignore[attr-defined]
    return render(request, "office/brand_claim.html", _context(request, row))


@require_POST
@allow(*SUPPLIER)
def update(request: HttpRequest, code: str, number: str) -> HttpResponse:
    """Send one update (the form's `what`) to the brand claim's branch; a refusal shows on the
    page with what was typed, and nothing is sent."""
    member: StaffMember = request.staff  # type: ignore[attr-defined]
    row = supplier.brand_claim_or_404(member, code, number)
    what = request.POST.get("what", "")
    form = request.POST
    try:
        if what == "status":
            supplier.send_status(member, row, form.get("status", ""), form.get("note", ""))
        elif what == "claim_id":
            supplier.send_claim_id(member, row, form.get("claim_id", ""))
        elif what == "report":
            supplier.send_report(member, row, request.FILES.get("report"))
        elif what == "proposal":
            supplier.send_proposal(member, row, form.get("amount", ""),
                                   form.get("reference", ""), form.get("note", ""))
        else:
            raise PortalInputError("Use one of the forms on the brand claim's page.")
    except PortalInputError as exc:
        return render(request, "office/brand_claim.html",
                      _context(request, row, failed=what, error=str(exc)), status=400)
    messages.success(request, f"{_SENT[what]} is on its way to branch {row.branch.code}; it "
                              f"reaches brand claim {row.number} at the branch's next sync.")
    return redirect("office:brand-claim", code=row.branch.code, number=row.number)
