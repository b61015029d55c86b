"""The text gateway's provider adapter, spoken to over HTTP by a stand-in of the provider."""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from portal.customers import sms
from tests.portal.customers import Shops
from tests.portal.office import client as Client
from tests.sms_gateway_stub import TOKEN, sms_gateway

ENV = {"PORTAL_TWILIO_ACCOUNT_SID": "AC123", "PORTAL_TWILIO_AUTH_TOKEN": "secret",
       "PORTAL_SMS_FROM": "+447700900000"}


class Provider(BaseHTTPRequestHandler):
    """Answers `status` to every POST and keeps what it was sent."""

    status = 201
    seen: ClassVar[list[tuple[str, str, dict[str, list[str]]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.seen.append((self.path, self.headers["Authorization"], parse_qs(body)))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[str]:
    Provider.seen, Provider.status = [], 201
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_twilio_adapter_posts_the_message_with_the_accounts_credentials(provider: str
                                                                            ) -> None:
    sms.TwilioSms({**ENV, "PORTAL_TWILIO_API": provider}).send("+447700900123", "Code 123456",
                                                               "ref-1")
    [(path, auth, form)] = Provider.seen
    assert path == "/2010-04-01/Accounts/AC123/Messages.json"
    assert auth == "Basic " + base64.b64encode(b"AC123:secret").decode()
    assert form == {"To": ["+447700900123"], "From": ["+447700900000"], "Body": ["Code 123456"]}


def test_a_refusal_or_no_answer_is_said_without_the_number(provider: str) -> None:
    Provider.status = 400
    with pytest.raises(sms.SmsRefused, match="HTTP 400") as refused:
        sms.TwilioSms({**ENV, "PORTAL_TWILIO_API": provider}).send("+447700900123", "x", "r")
    assert "7700" not in str(refused.value)
    with pytest.raises(sms.SmsNotTaken, match="could not be reached"):
        sms.TwilioSms({**ENV, "PORTAL_TWILIO_API": "http://127.0.0.1:9"}).send("+4477", "x", "r")


def test_missing_credentials_are_named() -> None:
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TWILIO_AUTH_TOKEN, PORTAL_SMS_FROM"):
        sms.TwilioSms({"PORTAL_TWILIO_ACCOUNT_SID": "AC1"})


class Down:
    """A gateway whose provider refuses everything."""

    def send(self, to: str, text: str, reference: str) -> str:
        raise sms.SmsNotTaken("The text gateway could not take the message (HTTP 500).")


def test_a_gateway_failure_gives_the_same_answer_as_an_unknown_number(records: Shops) -> None:
    cache.clear()
    with override_settings(PORTAL_SMS_GATEWAY=f"{__name__}.Down"):
        known = Client().post("/me/sign-in/phone/", {"phone": "+447700900123"})
        unknown = Client().post("/me/sign-in/phone/", {"phone": "+447700900998"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.status_code == 302


def test_the_http_json_gateway_texts_a_sign_in_code_to_a_loopback_gateway(
        records: Shops, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.clear()
    monkeypatch.setattr(sms, "_gateways", {})
    browser = Client()
    with sms_gateway() as gateway, override_settings(
            PORTAL_SMS_GATEWAY="portal.customers.sms.HttpJsonGateway",
            PORTAL_SMS_URL=gateway.url, PORTAL_SMS_TOKEN=TOKEN, PORTAL_SMS_SENDER="Warranty"):
        asked = browser.post("/me/sign-in/phone/", {"phone": "07700 900123"})
    assert asked.status_code == 302 and asked["Location"] == "/me/sign-in/phone/code/"
    [text] = gateway.texts
    assert text["to"] == "+447700900123" and text["from"] == "Warranty"
    assert len(text["reference"]) == 32 and gateway.authorizations == [f"Bearer {TOKEN}"]
    code = re.search(r"\b(\d{6})\b", text["text"])
    assert code is not None and "sign-in code" in text["text"]
    signed = browser.post("/me/sign-in/phone/code/", {"code": code.group(1)})
    assert signed.status_code == 302 and signed["Location"] == "/me/"


def test_the_http_json_gateway_needs_its_address_and_token(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setattr(sms, "_gateways", {})
    with override_settings(PORTAL_SMS_GATEWAY="portal.customers.sms.HttpJsonGateway",
                           PORTAL_SMS_URL="", PORTAL_SMS_TOKEN=""), \
            pytest.raises(ImproperlyConfigured, match="PORTAL_SMS_URL and PORTAL_SMS_TOKEN"):
        sms.gateway()
