"""Refusals as application/problem+json: a status, a title, and a reason a person can act on."""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpResponse

MEDIA_TYPE = "application/problem+json"

# The contract's Problem.code for each status, where a refusal names no code of its own. A till
# decides by the code alone (sync/failures.py): a refusal of what was sent, a settings problem,
# or "try later". Only a body with a code, as problem+json, is taken as the portal's answer.
DEFAULT_CODES = {400: "invalid_request", 401: "bad_token", 403: "wrong_branch",
                 404: "unknown_address", 405: "unknown_address", 413: "too_large",
                 429: "slow_down", 500: "internal_error", 503: "unavailable"}


# Codes whose request will be refused again as it is, whatever anyone fixes: only a changed
# request (a corrected record, a smaller batch) can succeed. Every other code is fixable: the
# branch's settings, head office's side, or time.
PERMANENT_CODES = frozenset({"invalid_request", "too_large", "document_mismatch",
                             "document_refused", "wrong_report", "bad_cursor"})


def code_for(status: int) -> str:
    """The default problem code of a status (4xx refuse the request, 5xx are "try later")."""
    return DEFAULT_CODES.get(status, "invalid_request" if status < 500 else "internal_error")


class Problem(Exception):
    """Raised anywhere under the API; the handler answers it as it says.

    `field` names what was at fault: a JSON pointer into the body ("/events/3/seq") or the name
    of a path or query parameter ("after").
    """

    def __init__(self, status: int, reason: str, *, headers: dict[str, str] | None = None,
                 code: str | None = None, field: str | None = None) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.headers = headers or {}
        self.code = code or code_for(status)
        self.field = field


def response(status: int, reason: str, headers: dict[str, str] | None = None,
             code: str | None = None, field: str | None = None) -> HttpResponse:
    """The Problem body of the contract: code, permanent, field, reason, RFC 9457's title."""
    said = code or code_for(status)
    body: dict[str, object] = {"title": HTTPStatus(status).phrase, "status": status,
                               "code": said, "permanent": said in PERMANENT_CODES,
                               "reason": reason}
    if field:
        body["field"] = field
    answer = HttpResponse(json.dumps(body), status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer


def of(problem: Problem) -> HttpResponse:
    """The response for a raised Problem."""
    return response(problem.status, problem.reason, problem.headers, problem.code,
                    problem.field)
