"""Sign-in codes, sessions and last sign-in age on the portal's clock, not the machine's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from portal.customers.models import CustomerAccount
from tests.portal.customers import Shops, signed_in_customer, smtp
from tests.portal.office import client
from warranty_desk.clock import FixedClock

pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.mark.parametrize(("waited", "signed_in"), [(timedelta(minutes=9, seconds=59), True),
                                                   (timedelta(minutes=10, seconds=1), False)])
def test_a_code_stops_working_when_the_portal_clock_passes_ten_minutes(
    records: Shops, portal_clock: FixedClock, waited: timedelta, signed_in: bool,
) -> None:
    browser = client()
    with smtp() as box:
        assert browser.post("/me/sign-in/", {"email": records.bob_email}).status_code == 302
    portal_clock.advance(waited)
    answer = browser.post("/me/sign-in/code/", {"code": box.code_for(records.bob_email)})
    assert (answer.status_code == 302 and answer["Location"] == "/me/") is signed_in
    assert (browser.get("/me/").status_code == 200) is signed_in


def test_a_session_ends_when_the_portal_clock_passes_its_age(
    records: Shops, portal_clock: FixedClock,
) -> None:
    with smtp() as box:
        browser = signed_in_customer(box, records.ann_email)
    account = CustomerAccount.objects.select_related("user").get(email=records.ann_email)
    # Signed in at the portal's instant, not the machine's.
    assert account.user.last_login == portal_clock.now()
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    portal_clock.advance(age - timedelta(minutes=1))
    assert browser.get("/me/").status_code == 200
    portal_clock.advance(timedelta(minutes=2))
    assert browser.get("/me/")["Location"] == "/me/sign-in/"


def test_a_staff_sign_in_stamps_last_login_on_the_portal_clock(
    records: Shops, portal_clock: FixedClock,
) -> None:
    from portal.staff.services import add_staff

    portal_clock.advance(timedelta(days=3))
    member, password = add_staff("clock-reader@office.example", "auditor")
    browser = client()
    answer = browser.post("/office/sign-in/", {"username": "clock-reader@office.example",
                                               "password": password})
    assert answer.status_code == 302, answer.content.decode()[:500]
    assert User.objects.get(pk=member.user.pk).last_login == portal_clock.now()
