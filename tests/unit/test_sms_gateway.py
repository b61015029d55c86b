"""The generic HTTP JSON SMS gateway: what each kind of answer means, in plain words."""

from __future__ import annotations

import pytest

from tests.sms_gateway_stub import TOKEN, sms_gateway
from tests.sync.mail_box import free_port
from warranty_desk.sms_gateway import HttpJsonSms, SmsNotTaken, SmsRefused, SmsUnknown

PHONE = "+447700900596"


def _send(url: str) -> str:
    return HttpJsonSms(url, lambda: TOKEN, "LumenCo", timeout=2.0).send(PHONE, "Hi", "ref-1")


def test_the_text_goes_as_json_with_the_bearer_token_and_the_providers_id_comes_back() -> None:
    with sms_gateway() as gateway:
        assert _send(gateway.url) == "GW-0001"
    assert gateway.texts == [{"to": PHONE, "text": "Hi", "reference": "ref-1",
                              "from": "LumenCo"}]
    assert gateway.authorizations == [f"Bearer {TOKEN}"]


def test_a_4xx_is_a_refusal_in_the_providers_words_without_the_number_or_token() -> None:
    with sms_gateway() as gateway:
        gateway.status, gateway.reason = 400, f"{PHONE} is not reachable (token {TOKEN})"
        with pytest.raises(SmsRefused) as refused:
            _send(gateway.url)
    said = str(refused.value)
    assert said.startswith("the SMS gateway refused the text (400: the number is not reachable")
    assert PHONE not in said and TOKEN not in said


def test_an_html_error_page_is_no_reason_to_show() -> None:
    with sms_gateway() as gateway:
        gateway.status, gateway.body = 404, b"<html><body>Not Found</body></html>"
        with pytest.raises(SmsRefused, match=r"refused the text \(404\)$"):
            _send(gateway.url)


def test_429_5xx_and_no_gateway_are_try_later_with_the_gateways_wait() -> None:
    with sms_gateway() as gateway:
        gateway.status, gateway.headers = 429, {"Retry-After": "30"}
        with pytest.raises(SmsNotTaken) as busy:
            _send(gateway.url)
        gateway.status, gateway.headers = 503, {}
        with pytest.raises(SmsNotTaken) as down:
            _send(gateway.url)
        assert not gateway.texts
    assert (busy.value.status, busy.value.retry_after) == (429, 30.0)
    assert down.value.status == 503 and "could not take the text now (503" in str(down.value)
    with pytest.raises(SmsNotTaken, match="could not be reached") as gone:
        _send(f"http://127.0.0.1:{free_port()}/v1/messages")
    assert gone.value.status is None


def test_a_redirect_is_offline_never_a_refusal() -> None:
    with sms_gateway() as gateway:
        gateway.status, gateway.headers = 302, {"Location": "http://wifi.example/login"}
        with pytest.raises(SmsNotTaken, match="redirected"):
            _send(gateway.url)


def test_no_answer_after_the_text_went_is_unknown() -> None:
    with sms_gateway() as gateway:
        gateway.hold = 5.0
        with pytest.raises(SmsUnknown, match="may or may not have been sent"):
            _send(gateway.url)
        assert len(gateway.texts) == 1


def test_a_plain_http_address_elsewhere_is_never_sent_to() -> None:
    with pytest.raises(SmsNotTaken, match="must start with https://"):
        _send("http://sms.example.com/send")
