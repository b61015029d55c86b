"""Refusals as application/problem+json: a status, a title, and a reason a person can act on."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse

MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raised anywhere under the API; the handler answers it as it says."""

    def __init__(self, status: int, reason: str, *, headers: dict[str, str] | None = None
                 ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers or {}


def response(status: int, reason: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """The Problem body of the contract, with RFC 9457's title and status beside the reason."""
    body = {"title": HTTPStatus(status).phrase, "status": status, "reason": reason}
    answer = HttpResponse(json.dumps(body), status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def of(problem: Problem) -> HttpResponse:
    """The response for a raised Problem."""
    return response(problem.status, problem.reason, problem.headers)
