"""Sessions, last sign-in and allauth's sign-in codes on the portal's clock, not the wall's.

Django and allauth read the wall clock for these: a session's expiry (timezone.now), a user's
last_login (the update_last_login receiver) and how old a login code or a pending login is
(time.time() in allauth's flows). Here each reads portal.clock instead, so a portal standing at
a pinned instant (tests, a demo) ages codes and sessions as its own clock moves.

SESSION_ENGINE = "portal.sessions" names this module's SessionStore; install() (the customers
app's ready) does the rest. The session cookie's Expires header stays Django's (the browser
compares it with its own clock); the database expiry decides.
"""

from __future__ import annotations

import logging
import time as wall
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import db
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation

from portal import clock


class SessionStore(db.SessionStore):
    """Django's database sessions, their expiry counted on the portal clock."""

    def _get_session_from_db(self) -> Any:
        try:
            return self.model.objects.get(session_key=self.session_key,
                                          expire_date__gt=clock.now())
        except (self.model.DoesNotExist, SuspiciousOperation) as exc:
            if isinstance(exc, SuspiciousOperation):
                logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
            self._session_key = None
            return None

    def get_expiry_age(self, **kwargs: Any) -> int:
        """Seconds left, from the portal's now unless told another modification time."""
        kwargs.setdefault("modification", clock.now())
        return int(super().get_expiry_age(**kwargs))

    def get_expiry_date(self, **kwargs: Any) -> datetime:
        """When the session ends, from the portal's now unless told another."""
        kwargs.setdefault("modification", clock.now())
        found: datetime = super().get_expiry_date(**kwargs)
        return found

    def set_expiry(self, value: Any) -> None:
        """A timedelta counts from the portal's now."""
        if isinstance(value, timedelta):
            value = clock.now() + value
        super().set_expiry(value)

    @classmethod
    def clear_expired(cls) -> None:
        """`manage.py clearsessions`: those past their end on the portal clock."""
        cls.get_model_class().objects.filter(expire_date__lt=clock.now()).delete()


class _PortalTime(ModuleType):
    """Stands in for the `time` module inside allauth's flows: time() is the portal clock's
    instant (seconds since the epoch), everything else the real module's.
    """

    def __init__(self) -> None:
        super().__init__("time")

    @staticmethod
    def time() -> float:
        """The portal's now, as time.time() gives it."""
        return clock.now().timestamp()

    def __getattr__(self, name: str) -> Any:
        return getattr(wall, name)


# allauth's modules that date a code, a pending login or a re-authentication with time.time().
# (Its rate limits stay on the wall clock: they live in the cache, which keeps its own time.)
_ALLAUTH_TIMED = ("allauth.account.internal.flows.code_verification",
                  "allauth.account.internal.flows.login",
                  "allauth.account.internal.flows.reauthentication",
                  "allauth.account.internal.flows.password_reset_by_code",
                  "allauth.account.internal.stagekit",
                  "allauth.account.models")


def stamp_last_login(sender: object, user: Any, **kwargs: object) -> None:
    """last_login on the portal clock (in place of Django's update_last_login)."""
    user.last_login = clock.now()
    user.save(update_fields=["last_login"])


def install() -> None:
    """Point allauth's timing and Django's last_login at the portal clock (once, at ready)."""
    import importlib

    portal_time = _PortalTime()
    for name in _ALLAUTH_TIMED:
        module = importlib.import_module(name)
        if not isinstance(getattr(module, "time", None), ModuleType):
            # An allauth upgrade moved its timing: say so rather than age codes on the wall.
            raise ImproperlyConfigured(f"{name} no longer reads time.time(); see "
                                       "portal/sessions.py.")
        module.time = portal_time  # type: ignore[attr-defined]
    if user_logged_in.disconnect(dispatch_uid="update_last_login"):
        user_logged_in.connect(stamp_last_login, dispatch_uid="portal_last_login")
