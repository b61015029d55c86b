"""The sync API (django-ninja) under /api/v1/: every answer, refusals too, as the contract says."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from portal import problems
from portal.branches.auth import BranchToken
from portal.inbox.api import router as inbox_router
from portal.receiver.api import router as receiver_router

log = logging.getLogger(__name__)
E = TypeVar("E", bound=Exception)

# The contract file is the API's description (served by no route here): ninja's own generated
# schema would describe only what ninja validates, which is less than the file.
api = NinjaAPI(title="Warranty Desk head-office portal sync API", version="1.0.0",
               urls_namespace="sync", auth=BranchToken(), docs_url=None, openapi_url=None)
api.add_router("", receiver_router)
api.add_router("", inbox_router)


def _problem(request: HttpRequest, exc: problems.Problem) -> HttpResponse:
    return problems.of(exc)


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # ninja's own checks (path and query types) answer 400 like the contract's, never 422.
    first = exc.errors[0] if exc.errors else {}
    where = "/".join(str(p) for p in first.get("loc", ()))
    return problems.response(400, f"{where}: {first.get('msg', 'invalid')}".strip(": "))


def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problems.response(401, "Missing or wrong sync token. Check the token in Settings → "
                                  "Sync, or ask head office for a new one.",
                             {"WWW-Authenticate": "Bearer"})


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problems.response(exc.status_code, str(exc))


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problems.response(404, "Nothing is at this address.")


def _bug(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("Sync API %s %s failed", request.method, request.path)
    return problems.response(500, "The portal had an internal error; the till will try again.")


def _register(kind: type[E], handler: Callable[[HttpRequest, E], HttpResponse]) -> None:
    # ninja's annotation also admits a handler taking the class; it only ever passes instances.
    api.add_exception_handler(
        kind, cast("Callable[[HttpRequest, E | type[E]], HttpResponse]", handler))


_register(problems.Problem, _problem)
_register(ValidationError, _invalid)
_register(AuthenticationError, _unauthorised)
_register(HttpError, _http_error)
_register(Http404, _not_found)
_register(Exception, _bug)
