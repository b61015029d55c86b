"""A small Tryton JSON-RPC client: one session, model calls, Tryton's errors sorted by kind."""

from __future__ import annotations

import base64
import itertools
import logging
from typing import Any

import requests

from sync.contract import TransientError
from sync.crm.webhook import safe_url
from sync.http import new_session, retry_after
from warranty_desk.redaction import redact

log = logging.getLogger(__name__)

# What Tryton says about one record (a rule, a constraint, a right): the record is refused.
_RECORD_ERRORS = ("UserError", "UserWarning")
_MAX_MESSAGE = 300


class TrytonUserError(Exception):
    """Tryton refused this call for a reason a person must look at (a UserError)."""


class TrytonRpc:
    """Calls `POST <url>/<database>/rpc/`, logging in on first use and again when the session ends.

    Tryton 8 takes the session as `Authorization: Session base64(login:user id:key)`
    (trytond/protocols/wrappers.py, parse_session); `common.db.login` hands out the key.
    """

    def __init__(self, url: str, database: str, user: str, password: str, *,
                 timeout: float = 15.0, ca_bundle: str | None = None,
                 session: requests.Session | None = None) -> None:
        self.endpoint = f"{url.rstrip('/')}/{database}/rpc/"
        self.database = database
        self.user = user
        self._password = password
        self._timeout = timeout
        self._verify: bool | str = ca_bundle or True  # TLS is always verified
        self._http = session or new_session()
        self._auth: str | None = None
        self._ids = itertools.count(1)

    def __repr__(self) -> str:
        return f"TrytonRpc({safe_url(self.endpoint)!r}, user={self.user!r})"

    def model(self, model: str, method: str, *args: Any, context: dict[str, Any] | None = None
              ) -> Any:
        """Call `model.<model>.<method>`; Tryton takes the context as the last argument."""
        return self.call(f"model.{model}.{method}", *args, context or {})

    def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call with the session, logging in again once if it has expired."""
        if self._auth is None:
            self.login()
        reply = self._post(method, list(params), self._auth)
        if reply.status_code in (401, 403) and method.startswith("model."):
            # Sessions time out on the server; a fresh one is the expected cure.
            self.login()
            reply = self._post(method, list(params), self._auth)
        return self._result(method, reply)

    def login(self) -> None:
        """Get a session key with the password (never logged, never in an error)."""
        reply = self._post("common.db.login", [self.user, {"password": self._password}], None)
        if reply.status_code in (401, 403):
            raise TransientError(f"Tryton refused the login of {self.user!r} on database "
                                 f"{self.database!r}: check the CRM user and password.",
                                 status=reply.status_code)
        if reply.status_code == 404:
            raise TransientError(f"Tryton at {safe_url(self.endpoint)} has no database "
                                 f"{self.database!r}.", status=404)
        user_id, key = self._result("common.db.login", reply)[:2]
        token = base64.b64encode(f"{self.user}:{user_id}:{key}".encode()).decode()
        self._auth = f"Session {token}"

    def close(self) -> None:
        """Drop pooled connections; safe to call twice."""
        self._http.close()

    def _post(self, method: str, params: list[Any], auth: str | None) -> requests.Response:
        headers = {"Authorization": auth} if auth else {}
        where = safe_url(self.endpoint)
        try:
            return self._http.post(
                self.endpoint, json={"id": next(self._ids), "method": method, "params": params},
                headers=headers, timeout=self._timeout, verify=self._verify,
                allow_redirects=False)
        except requests.Timeout:
            raise TransientError(f"Tryton at {where} did not answer {method} within "
                                 f"{self._timeout:g} s.", answered=False) from None
        except requests.RequestException as e:
            raise TransientError(f"Could not reach Tryton at {where} ({type(e).__name__}).",
                                 answered=not isinstance(e, requests.ConnectionError)) from None

    def _result(self, method: str, reply: requests.Response) -> Any:
        status = reply.status_code
        if status in (408, 429) or status >= 500:
            raise TransientError(f"Tryton answered HTTP {status} to {method}.",
                                 retry_after=retry_after(reply.headers), status=status)
        if status in (401, 403):
            raise TransientError(f"Tryton refused {method} for {self.user!r} (HTTP {status}): "
                                 "check the CRM user's access rights.", status=status)
        if status != 200:
            # The page may echo the login request, password and all: the redaction step first.
            raise TrytonUserError(f"Tryton answered HTTP {status} to {method}: "
                                  f"{redact(reply.text.strip()[:_MAX_MESSAGE])}")
        try:
            data = reply.json()
        except ValueError:
            raise TransientError(f"Tryton sent a reply to {method} that is not JSON.",
                                 status=status) from None
        if "error" not in data:
            return data.get("result")
        raise _error(method, data["error"])


def _error(method: str, error: Any) -> Exception:
    """Tryton's `error` member as an exception: refused for this record, or try later."""
    kind = error[0] if isinstance(error, list) and error else ""
    args = error[1] if isinstance(error, list) and len(error) > 1 else []
    if kind in _RECORD_ERRORS and isinstance(args, list) and args:
        # UserError: (message, description, domain); UserWarning: (name, message, description)
        parts = args[:2] if kind == "UserError" else args[1:3]
        text = " ".join(str(p).strip() for p in parts if p and str(p).strip())
        return TrytonUserError(text[:_MAX_MESSAGE] or kind)
    if kind == "ConcurrencyException":
        return TransientError(f"Tryton reported a concurrent change during {method}.")
    if kind == "LoginException":
        return TransientError(f"Tryton asked for more login steps during {method}: the CRM "
                              "user must log in with a password only.")
    # Anything else is a server fault (a traceback), which behaves like a 500.
    log.warning("Tryton failed on %s: %s", method, str(kind)[:_MAX_MESSAGE])
    return TransientError(f"Tryton failed on {method}: {str(kind)[:_MAX_MESSAGE]}")
