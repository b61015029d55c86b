"""A setting left empty in the portal's env file means "use the default", never a crash."""

from __future__ import annotations

import pytest

from portal.settings import env


@pytest.mark.parametrize("blank", ["", "   ", " , "])
def test_an_empty_single_value_setting_falls_back_to_its_default(
    monkeypatch: pytest.MonkeyPatch, blank: str
) -> None:
    # `PORTAL_SMTP_HOST=` in an env file used to raise IndexError while settings loaded.
    monkeypatch.setenv("PORTAL_SMTP_HOST", blank)
    assert env.word("PORTAL_SMTP_HOST", "localhost") == "localhost"


def test_a_single_value_setting_takes_the_first_word_given(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTAL_SMTP_HOST", " mail.example.com ")
    assert env.word("PORTAL_SMTP_HOST", "localhost") == "mail.example.com"
    monkeypatch.delenv("PORTAL_SMTP_HOST")
    assert env.word("PORTAL_SMTP_HOST") == ""


def test_an_empty_list_setting_gives_its_default_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_ALLOWED_HOSTS", "")
    assert env.words("PORTAL_ALLOWED_HOSTS", "127.0.0.1,localhost") == ["127.0.0.1", "localhost"]


def test_an_empty_twilio_address_keeps_twilios_own() -> None:
    from portal.customers.sms import TwilioSms

    sms = TwilioSms({"PORTAL_TWILIO_ACCOUNT_SID": "AC1", "PORTAL_TWILIO_AUTH_TOKEN": "t",
                     "PORTAL_SMS_FROM": "+441234", "PORTAL_TWILIO_API": ""})
    assert sms.api == "https://api.twilio.com"

