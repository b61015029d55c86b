"""Customers sign in with a code by mail or text, only at addresses and phones a shop recorded."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings

from portal.customers import phone_signin, sms
from portal.customers.models import CodeRequest, CustomerAccount
from portal.staff.services import add_staff
from tests.portal.customers import Shops, signed_in_customer, sms_code_for, smtp
from tests.portal.office import client as Client
from tests.portal.support import NOON, PortalDatabase, portal_env
from warranty_desk.clock import FixedClock

pytestmark = pytest.mark.usefixtures("fresh_limits")


def test_a_customer_signs_in_with_the_code_from_the_mail(records: Shops) -> None:
    with smtp() as box:
        browser = signed_in_customer(box, "  ANN@example.com ")
    assert len(box.messages) == 1
    page = browser.get("/me/").content.decode()
    assert "Kettle &lt;b&gt;Pro&lt;/b&gt;" in page and "Old radio" in page
    # Greeted in words, never by the account's internal user name.
    assert "You are signed in as " in page and "customer-" not in page
    assert browser.post("/me/sign-out/").status_code == 302
    assert browser.get("/me/")["Location"] == "/me/sign-in/"


def test_an_unknown_address_gets_the_same_answer_and_no_mail(records: Shops) -> None:
    with smtp() as box:
        known, unknown = Client(), Client()
        a = known.post("/me/sign-in/", {"email": records.bob_email})
        b = unknown.post("/me/sign-in/", {"email": "nobody@example.com"})
        pages = [re.sub(r'value="[^"]{64}"', "", c.get("/me/sign-in/code/").content.decode())
                 for c in (known, unknown)]
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    assert pages[0].replace(records.bob_email, "X") == pages[1].replace("nobody@example.com", "X")
    assert [to for to, _ in box.messages] == [[records.bob_email]]
    assert not CustomerAccount.objects.filter(email="nobody@example.com").exists()


def test_a_staff_account_at_a_customer_address_is_never_sent_a_code(records: Shops) -> None:
    add_staff("staffer@example.com", "auditor")
    with smtp() as box:
        answer = Client().post("/me/sign-in/", {"email": "staffer@example.com"})
    assert answer.status_code == 302 and not box.messages


def test_three_wrong_codes_end_the_attempt(records: Shops) -> None:
    with smtp() as box:
        browser = Client()
        browser.post("/me/sign-in/", {"email": records.bob_email})
        code = box.code_for(records.bob_email)
        for _ in range(2):
            wrong = browser.post("/me/sign-in/code/", {"code": "WRONG1"})
            assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
        last = browser.post("/me/sign-in/code/", {"code": "WRONG2"})
        assert last.status_code == 302 and last["Location"] == "/me/sign-in/"
        late = browser.post("/me/sign-in/code/", {"code": code})
    assert late.status_code == 302 and late["Location"] == "/me/sign-in/"
    assert browser.get("/me/").status_code == 302


def test_asking_again_and_again_for_one_address_is_refused(records: Shops) -> None:
    with smtp() as box:
        answers = [Client().post("/me/sign-in/", {"email": records.bob_email})
                   for _ in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 302, 200]
    assert len(box.messages) == 3


_ANOTHER_PROCESS = """
import django, sys
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()  # the test client's host; mail kept in memory
print(Client().post("/me/sign-in/", {"email": sys.argv[1]}).status_code)
"""


def test_the_limit_per_address_is_counted_by_every_process_alike(
    records: Shops, portal_db: PortalDatabase,
) -> None:
    # Each gunicorn worker and app host is a process of its own: a count kept in one
    # process's memory would let a fourth request through on the next worker.
    with smtp():
        answers = [Client().post("/me/sign-in/", {"email": records.bob_email})
                   for _ in range(3)]
        other = subprocess.run([sys.executable, "-c", _ANOTHER_PROCESS, records.bob_email],
                               env=portal_env(portal_db), capture_output=True, text=True,
                               timeout=120, check=False)
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert other.returncode == 0, other.stderr[-2000:]
    assert other.stdout.split()[-1] == "200"  # the form again, saying to wait; no code sent


# -- by text message -----------------------------------------------------------------------

ANN_PHONE = "+447700900123"


def _texts_to(phone: str) -> int:
    gateway = sms.gateway()
    assert isinstance(gateway, sms.LoopbackSms)
    return sum(1 for to, _ in gateway.sent if to == phone)


def test_a_customer_signs_in_with_the_code_from_a_text_message(records: Shops) -> None:
    browser = Client()
    asked = browser.post("/me/sign-in/phone/", {"phone": "07700 900123"})
    assert asked.status_code == 302 and asked["Location"] == "/me/sign-in/phone/code/"
    page = browser.get(asked["Location"]).content.decode()
    assert 'for="id_code"' in page and ANN_PHONE in page
    done = browser.post("/me/sign-in/phone/code/", {"code": sms_code_for(ANN_PHONE)})
    assert done.status_code == 302 and done["Location"] == "/me/"
    assert "Kettle &lt;b&gt;Pro&lt;/b&gt;" in browser.get("/me/").content.decode()


def test_an_unknown_phone_gets_the_same_answer_and_no_text(records: Shops) -> None:
    before = _texts_to("+447700900999")
    known, unknown = Client(), Client()
    a = known.post("/me/sign-in/phone/", {"phone": "+44 7700 900123"})
    b = unknown.post("/me/sign-in/phone/", {"phone": "+44 7700 900999"})
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    pages = [re.sub(r'value="[^"]{64}"', "", c.get("/me/sign-in/phone/code/").content.decode())
             for c in (known, unknown)]
    assert pages[0].replace(ANN_PHONE, "X") == pages[1].replace("+447700900999", "X")
    assert _texts_to("+447700900999") == before
    wrong = unknown.post("/me/sign-in/phone/code/", {"code": "123456"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    assert not CustomerAccount.objects.filter(phone="+447700900999").exists()


def test_a_number_that_cannot_be_a_phone_is_said_plainly(records: Shops) -> None:
    answer = Client().post("/me/sign-in/phone/", {"phone": "<b>call me</b>"})
    page = answer.content.decode()
    assert answer.status_code == 200 and 'role="alert"' in page
    assert "does not look like a mobile number" in page
    assert 'value="&lt;b&gt;call me&lt;/b&gt;"' in page and "<b>call" not in page


def test_three_wrong_text_codes_end_the_attempt(records: Shops) -> None:
    browser = Client()
    browser.post("/me/sign-in/phone/", {"phone": ANN_PHONE})
    code = sms_code_for(ANN_PHONE)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in ("2 tries", "1 try"):
        answer = browser.post("/me/sign-in/phone/code/", {"code": wrong})
        assert answer.status_code == 200 and f"({left} left)" in answer.content.decode()
    last = browser.post("/me/sign-in/phone/code/", {"code": wrong})
    assert last.status_code == 302 and last["Location"] == "/me/sign-in/phone/"
    late = browser.post("/me/sign-in/phone/code/", {"code": code})
    assert late.status_code == 302 and late["Location"] == "/me/sign-in/phone/"
    assert browser.get("/me/").status_code == 302


def test_a_text_code_expires_after_ten_minutes_on_the_portal_clock(
    records: Shops, portal_clock: FixedClock,
) -> None:
    browser = Client()
    browser.post("/me/sign-in/phone/", {"phone": ANN_PHONE})
    code = sms_code_for(ANN_PHONE)
    portal_clock.set(NOON + timedelta(minutes=10, seconds=1))
    try:
        late = browser.post("/me/sign-in/phone/code/", {"code": code})
    finally:
        portal_clock.set(NOON)
    assert late.status_code == 200 and "That code has expired" in late.content.decode()
    assert browser.get("/me/").status_code == 302


def test_asking_again_and_again_for_one_phone_or_from_one_address_is_refused(
    records: Shops,
) -> None:
    before = _texts_to(ANN_PHONE)
    answers = [Client().post("/me/sign-in/phone/", {"phone": ANN_PHONE}) for _ in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Too many codes" in answers[-1].content.decode()
    assert _texts_to(ANN_PHONE) == before + 3
    # Another app process (its own cache) counts the same requests.
    cache.clear()
    assert Client().post("/me/sign-in/phone/", {"phone": ANN_PHONE}).status_code == 429
    CodeRequest.objects.all().delete()
    many = [Client().post("/me/sign-in/phone/", {"phone": f"+4477009002{n:02d}"})
            for n in range(phone_signin.PER_IP[0] + 1)]
    assert [a.status_code for a in many][-2:] == [302, 429]


def test_behind_the_proxy_the_limit_counts_each_client_not_the_proxy(records: Shops) -> None:
    with override_settings(PORTAL_PROXY_HOPS=1):
        answers = [Client().post("/me/sign-in/phone/", {"phone": f"+4477009003{n:02d}"},
                                 HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
                   for n in range(phone_signin.PER_IP[0] + 1)]
    assert {a.status_code for a in answers} == {302}


def test_requests_older_than_every_window_are_swept(records: Shops,
                                                     portal_clock: FixedClock) -> None:
    Client().post("/me/sign-in/phone/", {"phone": ANN_PHONE})
    assert CodeRequest.objects.count() == 2  # the number and the address
    portal_clock.set(NOON + timedelta(hours=1, seconds=1))
    try:
        Client().post("/me/sign-in/phone/", {"phone": "+447700900555"})
    finally:
        portal_clock.set(NOON)
    assert CodeRequest.objects.count() == 2
