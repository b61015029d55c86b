"""Signing in by a one-time code sent by text message, only to phones shops recorded.

The same guarantees as the code by email: the code expires (on the portal's clock) and takes
three tries; the answer never tells whether a number is known (an unknown one is sent nothing
and walks the same pages); requests are limited per number and per address, counted in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import clock
from portal.customers import identity, sms
from portal.customers.models import CodeRequest, CustomerAccount
from portal.staff.throttle import client_ip

log = logging.getLogger(__name__)
CODE_SECONDS = 10 * 60
MAX_TRIES = 3
# (requests, seconds) per number and per address asking.
PER_PHONE = (3, 15 * 60)
PER_IP = (20, 60 * 60)
_LONGEST = max(PER_PHONE[1], PER_IP[1])
_PENDING = "phone_signin"


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _over(key: str, limit: tuple[int, int]) -> bool:
    """Whether `key` asked `limit` times in the last window; if not, count this request."""
    count, seconds = limit
    now = clock.now()
    recent = CodeRequest.objects.filter(key=key, at__gt=now - timedelta(seconds=seconds))
    if recent.count() >= count:
        return True
    CodeRequest.objects.create(key=key, at=now)
    # Requests older than every window count for nothing any more, whoever made them.
    CodeRequest.objects.filter(at__lte=now - timedelta(seconds=_LONGEST)).delete()
    return False


def _ask_page(request: HttpRequest, typed: str = "", error: str = "",
              status: int = 200) -> HttpResponse:
    return render(request, "account/request_phone_code.html",
                  {"typed": typed, "error": error}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def request_code(request: HttpRequest) -> HttpResponse:
    """Ask for a phone number and send a code to it if a shop recorded it."""
    if request.method != "POST":
        return _ask_page(request)
    typed = str(request.POST.get("phone", ""))[:40]
    phone = identity.phone_e164(typed)
    if not phone:
        return _ask_page(request, typed, "That does not look like a mobile number. Type it "
                         "as on your phone's contact card, with the country code if it is "
                         "not a UK number (for example +44 7700 900123).")
    # The number only as a digest: the counts are no place for customers' phone numbers.
    if (_over(f"ip:{client_ip(request)}", PER_IP)
            or _over("phone:" + hashlib.sha256(phone.encode()).hexdigest(), PER_PHONE)):
        return _ask_page(request, typed, "Too many codes were asked for just now. Wait a "
                         "quarter of an hour, then ask again; a code already sent still "
                         "works for ten minutes.", status=429)
    account = identity.account_for(phone=phone)
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[_PENDING] = {
        "phone": phone, "account": account.pk if account is not None else None,
        "digest": _digest(code), "tries": 0,
        "until": clock.now().timestamp() + CODE_SECONDS}
    if account is not None:
        try:
            sms.send(phone, f"Your warranty sign-in code is {code}. It works once, for ten "
                            "minutes. Nobody from the shop will ask for it.")
        except sms.SmsError as exc:
            # The same answer as for any number: a failure page would say this one is known.
            log.warning("A sign-in text was not sent: %s", exc)
    return redirect("customers_phone_code")


def _code_page(request: HttpRequest, pending: dict[str, Any], error: str = ""
               ) -> HttpResponse:
    return render(request, "account/confirm_phone_code.html",
                  {"phone": pending["phone"], "error": error})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_code(request: HttpRequest) -> HttpResponse:
    """Take the code; three wrong tries or ten minutes end it."""
    pending: dict[str, Any] | None = request.session.get(_PENDING)
    if pending is None:
        return redirect("customers_phone_signin")
    if clock.now().timestamp() > pending["until"]:
        del request.session[_PENDING]
        return _ask_page(request, error="That code has expired (codes work for ten "
                                        "minutes). Ask for a new one.")
    if request.method != "POST":
        return _code_page(request, pending)
    typed = "".join(str(request.POST.get("code", "")).split())[:12]
    right = hmac.compare_digest(_digest(typed), pending["digest"])
    account = (CustomerAccount.objects.select_related("user").filter(pk=pending["account"])
               .first() if pending["account"] is not None else None)
    if right and account is not None:
        del request.session[_PENDING]
        login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("customers:products")
    pending["tries"] += 1
    if pending["tries"] >= MAX_TRIES:
        del request.session[_PENDING]
        return redirect("customers_phone_signin")
    request.session[_PENDING] = pending
    left = MAX_TRIES - pending["tries"]
    return _code_page(request, pending, f"That code is not right. Check the text message "
                                        f"and type it again ({left} "
                                        f"{'try' if left == 1 else 'tries'} left).")
