"""The head-office sign-in rate limit: failed sign-ins per address typed and per IP address.

Failures are counted in the database, so every app host sees the same counts. An address that
belongs to no account is counted like one that does, and the refusal reads the same either
way: the limit never tells whether an account exists. While a limit holds, even the right
password is refused, so guessing on gains nothing.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

from portal import clock
from portal.staff.models import SignInFailure

WINDOW = timedelta(minutes=15)
PER_ADDRESS = 5
PER_IP = 20


def client_ip(request: HttpRequest) -> str:
    """The address the request came from: behind PORTAL_PROXY_HOPS proxies, the one the
    nearest of them saw (what a client writes further left in X-Forwarded-For is ignored).
    """
    hops: int = settings.PORTAL_PROXY_HOPS
    if hops > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        seen = [part.strip() for part in header.split(",")]
        if len(seen) >= hops and seen[-hops]:
            return seen[-hops][:45]
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:45]


def _address_key(address: str) -> str:
    # Only a digest: what people type as their email is sometimes their password.
    return "address:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()


def _ip_key(ip: str) -> str:
    return f"ip:{ip}"


def wait_left(address: str, ip: str) -> timedelta | None:
    """How long until this address and IP may try again, or None when they may now."""
    now = clock.now()
    waits = []
    for key, limit in ((_address_key(address), PER_ADDRESS), (_ip_key(ip), PER_IP)):
        recent = list(SignInFailure.objects.filter(key=key, at__gt=now - WINDOW)
                      .order_by("-at").values_list("at", flat=True)[:limit])
        if len(recent) >= limit:
            # Free again when the oldest of the last `limit` failures leaves the window.
            waits.append(recent[-1] + WINDOW - now)
    return max(waits) if waits else None


def record_failure(address: str, ip: str) -> None:
    """Count a failed sign-in against the address and the IP; forget failures past the window."""
    now = clock.now()
    SignInFailure.objects.filter(at__lte=now - WINDOW).delete()
    SignInFailure.objects.bulk_create([SignInFailure(key=_address_key(address), at=now),
                                       SignInFailure(key=_ip_key(ip), at=now)])


def forget_address(address: str) -> None:
    """A right password clears the address's failures (the IP's stay counted)."""
    SignInFailure.objects.filter(key=_address_key(address)).delete()


def refusal(wait: timedelta) -> str:
    """The plain words shown instead of checking the password."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return (f"Too many failed sign-ins for this email or from this network. Wait {minutes} "
            f"minute{'' if minutes == 1 else 's'}, then try again; if you have forgotten your "
            "password, ask a head-office admin to set a new one.")
