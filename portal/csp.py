"""The content security policy on every answer: scripts only from the portal's own files.

Django 5.2 has no built-in policy header; this middleware sets the one the settings give
(PORTAL_CSP, directive -> sources), unless a view set its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_text(directives: dict[str, list[str]]) -> str:
    """The header's value: `directive source source; ...`, in the settings' order."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicy:
    """Adds the portal's policy to each response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_text(settings.PORTAL_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The view's answer, with the policy when it has none of its own."""
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = self.header
        return response
