"""The search page: any warranty, serial, claim or customer across every branch."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.staff import search
from portal.staff.roles import EVERYONE, allow
from portal.staff.views.common import wants_fragment


@require_GET
@allow(*EVERYONE)
def find(request: HttpRequest) -> HttpResponse:
    """Results for ?q=; htmx asks for the results alone as the person types."""
    results = search.find(request.GET.get("q", ""))
    template = "office/_results.html" if wants_fragment(request) else "office/search.html"
    return render(request, template, {"results": results, "q": results.query})
