"""Customers sign in with a code from their mail, only at addresses a shop recorded."""

from __future__ import annotations

import re

import pytest

from portal.customers.models import CustomerAccount
from portal.staff.services import add_staff
from tests.portal.customers import Shops, signed_in_customer, smtp
from tests.portal.office import client as Client

pytestmark = pytest.mark.usefixtures("fresh_limits")


def test_a_customer_signs_in_with_the_code_from_the_mail(records: Shops) -> None:
    with smtp() as box:
        browser = signed_in_customer(box, "  ANN@example.com ")
    assert len(box.messages) == 1
    page = browser.get("/me/").content.decode()
    assert "Kettle &lt;b&gt;Pro&lt;/b&gt;" in page and "Old radio" in page
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
