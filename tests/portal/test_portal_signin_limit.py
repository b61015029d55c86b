"""The head-office sign-in rate limit: per address typed and per IP, in plain words, the same
words whether or not an account exists, and even the right password waits it out.

The addresses in these tests are only values in a request (documentation ranges); nothing is
sent to them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from portal.staff import throttle
from portal.staff.models import SignInFailure
from portal.staff.services import add_staff
from tests.portal.office import client
from warranty_desk.clock import FixedClock

HERE, ELSEWHERE = "192.0.2.10", "198.51.100.20"


@pytest.fixture(autouse=True)
def quick_hashes() -> Iterator[None]:
    # The limit does not depend on the password hasher; a fast one keeps dozens of tries quick.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _staff() -> tuple[str, str]:
    member, password = add_staff(f"limit-{secrets.token_hex(3)}@office.example", "support")
    return member.user.get_username(), password


def _sign_in(browser: Client, address: str, password: str, ip: str = HERE, **extra: str
             ) -> tuple[int, str]:
    answer = browser.post(reverse("office:sign-in"), {"username": address, "password": password},
                          REMOTE_ADDR=ip, **extra)
    return answer.status_code, answer.content.decode().replace("&#x27;", "'")


def _refusal(page: str) -> str:
    start = page.index('<div class="error" role="alert">')
    return page[start:page.index("</div>", start)]


def test_five_wrong_passwords_hold_the_address_even_against_the_right_one(
    portal_db: Any, portal_clock: FixedClock,
) -> None:
    address, password = _staff()
    browser = client()
    for _ in range(throttle.PER_ADDRESS):
        status, page = _sign_in(browser, address, "wrong password")
        assert status == 200 and "do not match a head-office account" in page
    status, page = _sign_in(browser, address, password)
    assert status == 200 and "_auth_user_id" not in browser.session
    assert ("Too many failed sign-ins for this email or from this network. Wait 15 minutes, "
            "then try again") in page
    portal_clock.advance(timedelta(minutes=14))
    assert "Wait 1 minute," in _sign_in(browser, address, password)[1]
    # The same address from another network is held too: it is the address that is guessed.
    assert "Too many failed sign-ins" in _sign_in(browser, address, password, ELSEWHERE)[1]
    portal_clock.advance(timedelta(minutes=1))
    status, _ = _sign_in(browser, address, password)
    assert status == 302 and "_auth_user_id" in browser.session


def test_the_refusal_reads_the_same_for_an_address_with_no_account(portal_db: Any) -> None:
    real, _ = _staff()
    nobody = f"nobody-{secrets.token_hex(3)}@office.example"
    pages = {}
    for address in (real, nobody):
        browser = client()
        wrong = [_sign_in(browser, address, "guess")[1] for _ in range(throttle.PER_ADDRESS)]
        pages[address] = (_refusal(wrong[0]), _refusal(_sign_in(browser, address, "guess")[1]))
    assert pages[real] == pages[nobody]
    assert "Too many failed sign-ins" in pages[nobody][1]
    # Only digests of what was typed are kept, never the address itself.
    assert not SignInFailure.objects.filter(key__contains="@").exists()


def test_many_addresses_from_one_network_hold_that_network_only(portal_db: Any) -> None:
    address, password = _staff()
    browser = client()
    for n in range(throttle.PER_IP):
        _sign_in(browser, f"guess-{n}-{secrets.token_hex(2)}@office.example", "guess")
    assert "Too many failed sign-ins" in _sign_in(browser, address, password)[1]
    status, _ = _sign_in(client(), address, password, ELSEWHERE)
    assert status == 302


def test_a_right_password_clears_the_addresss_count(portal_db: Any) -> None:
    address, password = _staff()
    for _ in range(2):
        browser = client()
        for _ in range(throttle.PER_ADDRESS - 1):
            _sign_in(browser, address, "typo", ELSEWHERE)
        assert _sign_in(browser, address, password, ELSEWHERE)[0] == 302


@override_settings(PORTAL_PROXY_HOPS=1)
def test_behind_the_proxy_the_address_it_saw_is_counted_not_one_a_client_wrote(
    portal_db: Any,
) -> None:
    address, password = _staff()
    browser = client()
    for n in range(throttle.PER_IP):
        # A client writes a new address of its own each time; the proxy appends the real one.
        forged = f"203.0.113.{n}, {HERE}"
        _sign_in(browser, f"guess-{n}@office.example", "guess", "127.0.0.1",
                 HTTP_X_FORWARDED_FOR=forged)
    held = _sign_in(browser, address, password, "127.0.0.1", HTTP_X_FORWARDED_FOR=HERE)
    assert "Too many failed sign-ins" in held[1]
    other = _sign_in(client(), address, password, "127.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert other[0] == 302


def test_the_django_admin_sign_in_shares_the_limit(portal_db: Any) -> None:
    member, password = add_staff(f"admin-{secrets.token_hex(3)}@office.example", "admin")
    address = member.user.get_username()
    browser = client()
    for _ in range(throttle.PER_ADDRESS):
        browser.post("/admin/login/", {"username": address, "password": "guess"},
                     REMOTE_ADDR=HERE)
    page = browser.post("/admin/login/", {"username": address, "password": password},
                        REMOTE_ADDR=HERE).content.decode().replace("&#x27;", "'")
    assert "Too many failed sign-ins" in page and "_auth_user_id" not in browser.session
    # And what was guessed there holds the staff pages' sign-in as well.
    assert "Too many failed sign-ins" in _sign_in(browser, address, password)[1]
