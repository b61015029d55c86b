"""Validates raw HTTP requests against the portal's OpenAPI file with openapi-core."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC = Path(__file__).resolve().parents[2] / "resources" / "api" / "portal.openapi.yaml"
# The spec's only server; the loopback server mounts the same base path on 127.0.0.1.
SPEC_HOST = "https://portal.example.com"
BASE_PATH = "/api/v1"


@cache
def portal_api() -> OpenAPI:
    """The parsed and checked spec, once per test run (parsing takes about a second)."""
    return OpenAPI.from_file_path(str(SPEC))


class RawRequest:
    """openapi-core's Request protocol over what http.server hands a handler."""

    def __init__(self, method: str, target: str, headers: dict[str, str], body: bytes) -> None:
        path, _, query = target.partition("?")
        self.host_url = SPEC_HOST
        self.path = path
        self.method = method.lower()
        self.body = body or None
        self.content_type = headers.get("Content-Type", "application/octet-stream").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(query, keep_blank_values=True)),
            header=Headers(headers))


def _describe(error: BaseException) -> str:
    # openapi-core wraps the schema errors; the innermost one says which field and why. Its own
    # message repeats the whole body, too long for a reason a person reads.
    cause = error.__cause__ or error.__context__
    inner = getattr(cause, "schema_errors", None) or getattr(error, "schema_errors", None)
    if inner:
        first = inner[0]
        where = "/".join(str(p) for p in first.absolute_path)
        headline = str(error).split(": Value ")[0]
        return f"{headline}: {where + ': ' if where else ''}{first.message}"
    if cause is not None and str(cause) and str(cause) != str(error):
        return f"{error} ({cause})"
    return str(error) or type(error).__name__


def request_error(request: RawRequest) -> str | None:
    """None when the request matches the spec, else why not in one line."""
    errors = list(portal_api().iter_request_errors(request))
    return _describe(errors[0]) if errors else None
