"""Sync health: every branch's last push, events, projection, refusals and drift."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal import clock
from portal.branches.models import Branch
from portal.health import drift
from portal.health.models import DriftFinding, Kind
from portal.inbox.models import InboxItem
from portal.projections.models import ProjectionCursor, ProjectionProblem
from portal.receiver.models import NightlyReport, RefusedEvent
from portal.staff.health_rows import HealthRow, row_html
from portal.staff.roles import ADMIN, EVERYONE, allow, member_of
from portal.staff.views.common import branch_or_404, wants_fragment
from warranty_desk import card_numbers

# Events stored but not yet projected, per branch: counted from each branch's projection
# cursor along the (branch_id, received_no) index, one probe per branch (the LATERAL keeps
# the planner from joining every stored event), so an idle chain costs a probe per branch.
_PENDING = """
SELECT b.id, waiting.n
FROM branches_branch b
LEFT JOIN projections_projectioncursor c ON c.branch_id = b.id
CROSS JOIN LATERAL (SELECT count(*) AS n FROM receiver_event e
                    WHERE e.branch_id = b.id
                      AND e.received_no > coalesce(c.received_no, 0)) waiting
WHERE waiting.n > 0 AND (%(branch)s::bigint IS NULL OR b.id = %(branch)s::bigint)
"""


def pending_query(branch_id: int | None = None) -> tuple[str, dict[str, int | None]]:
    """The count of waiting events of every branch, or of one."""
    return _PENDING, {"branch": branch_id}


def _pending(branch_id: int | None = None) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(*pending_query(branch_id))
        return {int(b): int(n) for b, n in cursor.fetchall()}


@require_GET
@allow(*EVERYONE)
def overview(request: HttpRequest) -> HttpResponse:
    """One row per branch; htmx refreshes the table every 30 s."""
    latest = NightlyReport.objects.filter(branch=OuterRef("pk")).order_by("-generated_at")
    branches = list(Branch.objects.annotate(nightly_at=Subquery(latest.values("received_at")[:1]))
                    .order_by("code"))
    problems = dict(ProjectionProblem.objects.values_list("branch_id").annotate(n=Count("pk")))
    refused = dict(RefusedEvent.objects.values_list("branch_id").annotate(n=Count("pk")))
    open_drift: dict[int, list[str]] = {}
    for branch_id, kind in (DriftFinding.objects.filter(resolved_at=None)
                            .values_list("branch_id", "kind").distinct()):
        open_drift.setdefault(branch_id, []).append(kind)
    pending = _pending()
    # One link reversed for the page, the clock read once; the rows are made in Python.
    link, now = reverse("office:branch", args=[_CODE]), clock.now()
    rows = [row_html(HealthRow(
        branch=b, url=link.replace(_CODE, b.code), pending=pending.get(b.pk, 0),
        problems=problems.get(b.pk, 0), refused=refused.get(b.pk, 0),
        drift=sorted(Kind(k).label for k in open_drift.get(b.pk, [])),
        nightly_at=b.nightly_at), now) for b in branches]
    template = "office/_health_rows.html" if wants_fragment(request) else "office/health.html"
    return render(request, template, {"rows": rows})


_CODE = "0code0"  # stands for a branch code in the one link reversed per page


class ResolveForm(forms.Form):
    """What the person found and did."""

    note = forms.CharField(label="What you found and did", max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean_note(self) -> str:
        return card_numbers.typed(self.cleaned_data["note"])


@require_GET
@allow(*EVERYONE)
def branch(request: HttpRequest, code: str) -> HttpResponse:
    """One branch: drift findings with what to do, problems, refusals, reports, inbox."""
    found = branch_or_404(code)
    cursor = ProjectionCursor.objects.filter(branch=found).first()
    findings = list(DriftFinding.objects.select_related("resolved_by")
                    .filter(branch=found).order_by("resolved_at", "-found_at", "day")[:100])
    member = member_of(request)
    return render(request, "office/branch.html", {
        "branch": found, "cursor": cursor, "pending": _pending(found.pk).get(found.pk, 0),
        "open": [(f, drift.advice(f)) for f in findings if f.resolved_at is None],
        "closed": [f for f in findings if f.resolved_at is not None][:20],
        "problems": list(ProjectionProblem.objects.filter(branch=found).order_by("-pk")[:50]),
        "refused": list(RefusedEvent.objects.filter(branch=found).order_by("-last_at")[:50]),
        "reports": list(NightlyReport.objects.filter(branch=found)
                        .order_by("-generated_at")[:7]),
        "inbox_waiting": InboxItem.objects.filter(branch=found,
                                                  position__gt=found.inbox_acked).count(),
        "is_admin": member is not None and member.role in ADMIN,
        "form": ResolveForm(),
    })


def _finding(code: str, pk: int) -> DriftFinding:
    found = DriftFinding.objects.select_related("branch").filter(
        branch__code=code.upper(), pk=pk).first()
    if found is None:
        raise Http404("No such finding at this branch.")
    return found


@require_POST
@allow(*ADMIN)
def resend(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Ask the till again for a finding's day."""
    finding = _finding(code, pk)
    if finding.day is None or finding.resolved_at is not None:
        messages.error(request, "Only an open finding about a day can be asked for again.")
    else:
        day: date = finding.day
        drift.ask_resend(finding.branch, day, f"Asked again by {request.user.get_username()}.")
        messages.success(request, f"Branch {finding.branch.code} is asked to send {day} "
                                  "again; it does so at its next sync.")
    return redirect("office:branch", code=finding.branch.code)


@require_POST
@allow(*ADMIN)
def resolve(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Mark a finding dealt with, saying what was found."""
    finding = _finding(code, pk)
    form = ResolveForm(request.POST)
    if finding.resolved_at is not None:
        messages.error(request, "That finding was already dealt with.")
    elif not form.is_valid():
        messages.error(request, "Say what you found and did before marking it dealt with.")
    else:
        drift.resolve(finding, request.user, form.cleaned_data["note"])
        messages.success(request, "The finding is marked dealt with.")
    return redirect("office:branch", code=finding.branch.code)
