"""Text messages as a sync destination: each queued message for an SMS customer texted once.

The message's id is the idempotency reference the gateway is given, and the message's row says
`sending` (committed) before the gateway is spoken to and `sent` after its answer, so a till
killed in between never texts it again by itself (warranty_desk.services.message_delivery). The
gateway's answer decides what happens next, as for email (sync/mail.py):
  - it has not got the text (no connection, 429, 5xx): the message stays queued and the
    engine backs off and tries again, like any receiver that is down;
  - it refused the text for good (another 4xx): the message is parked and the customer's phone
    flagged undeliverable until someone corrects it;
  - the request went but no answer came: nobody knows, so a person decides.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.contract import Event, Outcome, TransientError
from warranty_desk.services import message_delivery
from warranty_desk.sms_gateway import SmsGateway, SmsNotTaken, SmsRefused, SmsUnknown
from warranty_desk.storage.database import Database

TOPIC = message_delivery.QUEUED_TOPIC


class SmsDestination:
    """Receives message.queued events and texts each message whose channel is SMS."""

    name = message_delivery.SMS_DESTINATION
    batch_size = 20

    def __init__(self, db: Database, gateway: SmsGateway, who: str = "the SMS gateway") -> None:
        self.db = db
        self.gateway = gateway
        self.who = who

    def close(self) -> None:
        """Nothing held between messages: each one has its own connection."""

    def wants(self, topic: str) -> bool:
        """Only messages to customers."""
        return topic == TOPIC

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        """Each message in turn; TransientError when the gateway cannot take texts now."""
        # A batch cut by a TransientError is sent again: the ones before it are answered
        # "duplicate" then, from their rows, without a second text.
        return [self._one(event) for event in events]

    def _one(self, event: Event) -> Outcome:
        hexid = str(event.payload.get("id") or event.aggregate_id)
        job = message_delivery.take_for_sms(self.db, hexid)
        if job.verdict == "done":
            return Outcome(event.id, "duplicate", job.reason)
        if job.verdict == "refuse":
            return Outcome(event.id, "rejected", job.reason)
        try:
            answer = self.gateway.send(job.to, job.text, hexid)
        except SmsNotTaken as exc:
            message_delivery.waits(self.db, hexid, f"Not sent yet: {exc}.")
            raise TransientError(str(exc), answered=exc.status is not None, status=exc.status,
                                 retry_after=exc.retry_after) from None
        except SmsRefused as exc:
            reason = (f"{exc}. Correct the customer's phone, or send the message by email or "
                      "as a letter.")
            message_delivery.refused(self.db, hexid, reason, address=True)
            return Outcome(event.id, "rejected", reason)
        except SmsUnknown as exc:
            reason = (f"{exc}. Ask the customer whether the text came, then retry it or send "
                      "it another way.")
            message_delivery.unknown(self.db, hexid, reason)
            return Outcome(event.id, "rejected", reason)
        message_delivery.server_took(self.db, hexid, answer)
        return Outcome(event.id, "accepted")
