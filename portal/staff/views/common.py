"""What the staff views share: looking records up by branch code, and htmx partials."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from portal.branches.models import Branch


def branch_or_404(code: str) -> Branch:
    """The branch with this code, or a plain 404."""
    branch = Branch.objects.filter(code=code.upper()).first()
    if branch is None:
        raise Http404(f"No branch {code} is registered.")
    return branch


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that asks for only part of the page (never a full-page navigation)."""
    return request.headers.get("HX-Request") == "true" and \
        request.headers.get("HX-Boosted") != "true"
