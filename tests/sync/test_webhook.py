"""The signed webhook: signatures, a real loopback receiver, and every kind of answer."""

from __future__ import annotations

import base64
import json
import logging
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from standardwebhooks import Webhook

from sync.contract import TransientError
from sync.crm.webhook import (
    EVENT_HEADER,
    SIGNATURE_HEADER,
    SignatureError,
    WebhookConnector,
    sign,
    standard_key,
    verify_signature,
)
from tests.conftest import pinned_clock
from tests.sync.conftest_crm import claim_decided, customer_created, event
from tests.sync.webhook_receiver import Receiver, Scripted, webhook_receiver
from warranty_desk.errors import BadInput

SECRET = "whsec-test-4c1d9e"  # a test value, not a real secret
NOW = 1_795_000_000.0
BODY = b'{"id":"e1"}'


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver(SECRET) as server:
        yield server


@pytest.fixture
def connector(receiver: Receiver) -> Iterator[WebhookConnector]:
    hook = WebhookConnector(receiver.url, SECRET, timeout=5, clock=pinned_clock())
    yield hook
    hook.close()


# --- the signature, receiver side ------------------------------------------------------------

def test_a_fresh_signature_over_the_body_verifies() -> None:
    verify_signature(SECRET, sign(SECRET, int(NOW), BODY), BODY, now=NOW + 10)


def test_a_signature_with_another_secret_or_a_changed_body_is_bad() -> None:
    with pytest.raises(SignatureError, match="Bad signature"):
        verify_signature(SECRET, sign("other", int(NOW), BODY), BODY, now=NOW)
    with pytest.raises(SignatureError, match="Bad signature"):
        verify_signature(SECRET, sign(SECRET, int(NOW), BODY), BODY + b" ", now=NOW)


def test_a_signature_older_than_five_minutes_is_too_old() -> None:
    header = sign(SECRET, int(NOW) - 301, BODY)
    with pytest.raises(SignatureError, match="too old"):
        verify_signature(SECRET, header, BODY, now=NOW)
    verify_signature(SECRET, header, BODY, now=NOW, tolerance=600)


@pytest.mark.parametrize("header", ["", "v1=abc", "t=12,v2=abc", "t=soon,v1=abc", "garbage"])
def test_a_malformed_signature_header_says_so(header: str) -> None:
    with pytest.raises(SignatureError, match="Malformed"):
        verify_signature(SECRET, header, BODY, now=NOW)


def test_any_of_several_signatures_may_match_while_the_secret_is_changed() -> None:
    old = sign("old-secret", int(NOW), BODY)
    new = sign(SECRET, int(NOW), BODY).partition(",")[2]
    verify_signature(SECRET, f"{old},{new}", BODY, now=NOW)


def test_the_receiver_refuses_a_bad_signature_with_401(receiver: Receiver) -> None:
    signed_at = pinned_clock().now()
    reply = requests.post(receiver.url, data=BODY, timeout=5, headers={
        "webhook-id": "e1", "webhook-timestamp": str(int(signed_at.timestamp())),
        "webhook-signature": Webhook(b"wrong").sign("e1", signed_at, BODY)})
    assert reply.status_code == 401
    assert "No matching signature" in reply.json()["error"]
    assert receiver.stored == {}


def test_a_receiver_set_up_the_older_way_refuses_a_bad_signature_with_401() -> None:
    signed_at = int(pinned_clock().now().timestamp())
    with webhook_receiver(SECRET, scheme="older") as older:
        reply = requests.post(older.url, data=BODY, timeout=5, headers={
            EVENT_HEADER: "e1", SIGNATURE_HEADER: sign("wrong", signed_at, BODY)})
        assert reply.status_code == 401
        assert "Bad signature" in reply.json()["error"]
        assert older.stored == {}


# --- the two schemes, sender side -------------------------------------------------------------

def test_each_request_is_signed_to_standard_webhooks_and_with_the_older_header(
    receiver: Receiver, connector: WebhookConnector,
) -> None:
    created = customer_created("CU-1")
    assert [o.status for o in connector.send([created])] == ["accepted"]
    [sent] = receiver.headers
    sent = {k.lower(): v for k, v in sent.items()}
    signed_at = int(pinned_clock().now().timestamp())
    assert (sent["webhook-id"], sent["webhook-timestamp"]) == (created.id, str(signed_at))
    assert sent["webhook-signature"].startswith("v1,")
    body = json.dumps(receiver.stored[created.id], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()
    # The older header signs the same body at the same second, and the older code accepts it.
    assert sent[SIGNATURE_HEADER.lower()] == sign(SECRET, signed_at, body)
    verify_signature(SECRET, sent[SIGNATURE_HEADER.lower()], body, now=signed_at + 1)
    assert sent[EVENT_HEADER.lower()] == created.id


def test_a_receiver_set_up_with_the_older_header_still_takes_every_event() -> None:
    with webhook_receiver(SECRET, scheme="older") as older:
        hook = WebhookConnector(older.url, SECRET, timeout=5, clock=pinned_clock())
        try:
            created = customer_created("CU-1")
            assert [o.status for o in hook.send([created])] == ["accepted"]
            assert [o.status for o in hook.send([created])] == ["duplicate"]
        finally:
            hook.close()
        assert older.answers == [200, 409] and list(older.stored) == [created.id]


def test_a_whsec_secret_made_by_the_receiver_is_its_key_as_such() -> None:
    made = "whsec_" + base64.b64encode(b"\x00key bytes from the receiver\xff").decode()
    with webhook_receiver(made) as standard:
        hook = WebhookConnector(standard.url, made, timeout=5, clock=pinned_clock())
        try:
            assert [o.status for o in hook.send([customer_created("CU-1")])] == ["accepted"]
        finally:
            hook.close()
    assert standard_key(made) == b"\x00key bytes from the receiver\xff"
    assert standard_key(SECRET) == SECRET.encode()


def test_a_whsec_secret_that_is_not_base64_says_to_copy_it_again() -> None:
    with pytest.raises(BadInput, match="copy the whole secret again"):
        WebhookConnector("https://crm.example/hook", "whsec_not base64!", clock=pinned_clock())


def test_the_receiver_refuses_a_request_signed_over_five_minutes_ago(
    receiver: Receiver,
) -> None:
    clock = pinned_clock()
    clock.advance(timedelta(seconds=-301))
    late = WebhookConnector(receiver.url, SECRET, clock=clock)
    [outcome] = late.send([customer_created("CU-1")])
    assert outcome.status == "rejected"
    assert outcome.reason.startswith("HTTP 401:") and "too old" in outcome.reason
    assert receiver.answers == [401]


def test_a_replayed_event_id_is_a_duplicate(receiver: Receiver,
                                            connector: WebhookConnector) -> None:
    created = customer_created("CU-1")
    assert [o.status for o in connector.send([created])] == ["accepted"]
    [again] = connector.send([created])
    assert again.status == "duplicate"
    assert receiver.answers == [200, 409]
    assert list(receiver.stored) == [created.id]


# --- end to end through the connector --------------------------------------------------------

def test_crm_events_arrive_signed_one_per_request_in_order(receiver: Receiver,
                                                           connector: WebhookConnector) -> None:
    created = customer_created("CU-1", email="ada@example.org", segment="vip")
    decided = claim_decided("C-1", "CU-1", outcome="reject", reason="Liquid damage")
    anonymous = event("warranty.activated", {"code": "W-1", "customer": None})
    outcomes = connector.send([created, decided, anonymous])
    assert [(o.event_id, o.status) for o in outcomes] == [
        (created.id, "accepted"), (decided.id, "accepted"), (anonymous.id, "accepted")]
    assert outcomes[2].reason == "nothing for the CRM"
    assert list(receiver.stored) == [created.id, decided.id]
    customer = receiver.stored[created.id]
    assert customer["kind"] == "customer"
    assert customer["customer"] == {"reference": "CU-1", "name": "Ada Lovelace",
                                    "email": "ada@example.org", "segment": "vip"}
    outcome = receiver.stored[decided.id]
    assert outcome["kind"] == "claim_outcome" and outcome["topic"] == "claim.decided"
    assert outcome["note"].startswith("Claim C-1 rejected") and "Liquid damage" in outcome["note"]
    assert outcome["details"]["outcome"] == "reject"


def test_the_webhook_wants_crm_topics_only(connector: WebhookConnector) -> None:
    assert connector.wants("customer.updated") and connector.wants("claim.decided")
    assert not connector.wants("message.queued") and not connector.wants("stock.moved")


def test_an_event_the_crm_cannot_use_is_rejected_without_a_request(
    receiver: Receiver, connector: WebhookConnector,
) -> None:
    [outcome] = connector.send([event("claim.decided", {"number": "C-1"})])
    assert outcome.status == "rejected" and "names no customer" in outcome.reason
    assert receiver.answers == []


def test_a_busy_receiver_is_transient_and_its_retry_after_is_kept(
    receiver: Receiver, connector: WebhookConnector,
) -> None:
    receiver.script.append(Scripted(429, {"error": "slow down"}, {"Retry-After": "7"}))
    with pytest.raises(TransientError) as busy:
        connector.send([customer_created("CU-1")])
    assert busy.value.retry_after == 7.0
    receiver.script.append(Scripted(503))
    with pytest.raises(TransientError, match="HTTP 503"):
        connector.send([customer_created("CU-2")])


@pytest.mark.parametrize("status", [408, 500, 502])
def test_timeouts_and_server_errors_are_transient(status: int, receiver: Receiver,
                                                  connector: WebhookConnector) -> None:
    receiver.script.append(Scripted(status))
    with pytest.raises(TransientError):
        connector.send([customer_created("CU-1")])


def test_a_refusal_is_rejected_with_the_receivers_reason_and_the_batch_goes_on(
    receiver: Receiver, connector: WebhookConnector,
) -> None:
    receiver.script.append(Scripted(422, {"reason": "Unknown customer segment"}))
    refused, later = customer_created("CU-1"), customer_created("CU-2")
    outcomes = connector.send([refused, later])
    assert [(o.status, o.reason) for o in outcomes] == [
        ("rejected", "HTTP 422: Unknown customer segment"), ("accepted", "")]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_an_unreachable_receiver_is_transient_and_the_message_hides_url_secrets() -> None:
    url = f"http://user:pw-77@127.0.0.1:{_closed_port()}/hook?token=tok-88"
    hook = WebhookConnector(url, SECRET, timeout=2, clock=pinned_clock())
    with pytest.raises(TransientError) as down:
        hook.send([customer_created("CU-1")])
    text = str(down.value)
    assert "Could not reach" in text
    assert "tok-88" not in text and "pw-77" not in text and SECRET not in text
    assert "pw-77" not in repr(hook) and SECRET not in repr(hook)


def test_a_receiver_that_never_answers_times_out_as_transient() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel accepts the connection; nobody ever reads it
        hook = WebhookConnector(f"http://127.0.0.1:{silent.getsockname()[1]}/", SECRET,
                                timeout=0.5, clock=pinned_clock())
        with pytest.raises(TransientError, match=r"did not answer within 0\.5 s"):
            hook.send([customer_created("CU-1")])


def test_the_secret_never_reaches_the_log(receiver: Receiver, connector: WebhookConnector,
                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.script.append(Scripted(400, {"error": "nope"}))
    connector.send([customer_created("CU-1"), customer_created("CU-2")])
    assert caplog.records  # the refusal was logged
    assert SECRET not in caplog.text


def test_the_body_sent_is_exactly_the_body_signed(receiver: Receiver,
                                                  connector: WebhookConnector) -> None:
    created = customer_created("CU-1", name="Zoë Ørsted")
    connector.send([created])
    assert receiver.stored[created.id]["customer"]["name"] == "Zoë Ørsted"
    assert json.loads(json.dumps(receiver.stored[created.id]))["id"] == created.id
