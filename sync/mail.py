"""The till's own mail server as a sync destination: each queued message emailed once, by SMTP.

The message's id is the idempotency key: it is the email's Message-ID, and the message's row
says `sending` (committed) before the first byte goes and `sent` after the server's answer, so
a till killed in between never sends it again by itself (the rule is in
warranty_desk.services.message_delivery). What the server says decides what happens next:
  - it could not take the message now (no answer, 4xx, a login refused): the message stays
    queued and the engine backs off and tries again, like any receiver that is down;
  - it refused the recipient for good (5xx on RCPT): the message is parked and the customer's
    email flagged undeliverable until someone corrects it;
  - the line broke after the message went: nobody knows, so a person decides.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from sync.contract import Event, Outcome, TransientError
from warranty_desk import letter_parts
from warranty_desk.services import message_delivery
from warranty_desk.services.message_delivery import MailJob
from warranty_desk.storage.database import Database

TOPIC = message_delivery.QUEUED_TOPIC
# Seconds to wait for the server: a till must not hang a cycle on a silent mail server.
TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class MailServer:
    """Where and how the till hands its mail over; the password is read when it is needed."""

    host: str
    port: int
    tls: str  # none, starttls or tls
    user: str
    password: Callable[[], str]
    sender: str  # the From address
    ca_bundle: str = ""
    timeout: float = TIMEOUT


class NotTaken(Exception):
    """The server did not take the message and surely has not got it: try again later."""


class Refused(Exception):
    """The server refused the message for good; `address`: the recipient's address itself."""

    def __init__(self, reason: str, *, address: bool) -> None:
        super().__init__(reason)
        self.address = address


class Unknown(Exception):
    """The line broke after the message went: it may or may not have arrived."""


def _said(code: int, answer: bytes | str) -> str:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
    return f"{code} {' '.join(text.split())}"[:300]


def _connect(server: MailServer) -> smtplib.SMTP:
    context = ssl.create_default_context(cafile=server.ca_bundle or None)
    if server.tls == "tls":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout,
                                              context=context)
    else:
        conn = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    try:
        conn.ehlo()
        if server.tls == "starttls":
            conn.starttls(context=context)
            conn.ehlo()
        if server.user:
            if "plain" in conn.esmtp_features.get("auth", "").lower().split():
                # PLAIN alone (the connection is encrypted): a refused password is one clear
                # answer, not a fall-through to LOGIN that some servers leave hanging.
                conn.user, conn.password = server.user, server.password()
                conn.auth("PLAIN", conn.auth_plain)
            else:
                conn.login(server.user, server.password())
    except BaseException:
        conn.close()  # a refused login or certificate leaves no socket open
        raise
    return conn


def hand_over(server: MailServer, message: EmailMessage, to: str) -> str:
    """Give one message to the server; its answer (the queue id), or NotTaken/Refused/Unknown."""
    where = f"the mail server {server.host}:{server.port}"
    try:
        conn = _connect(server)
    except smtplib.SMTPAuthenticationError as exc:
        raise NotTaken(f"{where} refused the user name or password "
                       f"({_said(exc.smtp_code, exc.smtp_error)}): check them under "
                       "Settings > Sync") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise NotTaken(f"could not reach {where} ({type(exc).__name__}: {exc})") from None
    try:
        code, answer = conn.mail(server.sender)
        if code != 250:
            raise NotTaken(f"{where} refused the shop's From address {server.sender} "
                           f"({_said(code, answer)}): check it under Settings > Sync")
        code, answer = conn.rcpt(to)
        if code >= 500:
            raise Refused(f"{where} refused the address {to} for good ({_said(code, answer)}). "
                          "Correct the customer's email, or send a letter.", address=True)
        if code not in (250, 251):
            raise NotTaken(f"{where} could not take mail for {to} now ({_said(code, answer)})")
        try:
            # CRLF line ends: smtplib sends bytes as they are.
            code, answer = conn.data(message.as_bytes(policy=policy.SMTP))
        except smtplib.SMTPDataError as exc:
            if exc.smtp_code >= 500:
                said = _said(exc.smtp_code, exc.smtp_error)
                raise Refused(f"{where} refused the message ({said}).", address=False) from None
            raise NotTaken(f"{where} could not take the message now "
                           f"({_said(exc.smtp_code, exc.smtp_error)})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Unknown(f"The line to {where} broke while the email was being handed over "
                          f"({type(exc).__name__}), so it may or may not have reached the "
                          "customer. Ask them, then retry it or print a letter.") from None
        if code >= 500:
            raise Refused(f"{where} refused the message ({_said(code, answer)}).",
                          address=False)
        if code != 250:
            raise NotTaken(f"{where} could not take the message now ({_said(code, answer)})")
        return _said(code, answer)
    except (OSError, smtplib.SMTPException) as exc:
        # Before DATA: the server has not got the message.
        raise NotTaken(f"{where} failed before taking the message ({type(exc).__name__}: "
                       f"{exc})") from None
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()


def message_id(message_hex: str, sender: str) -> str:
    """The email's Message-ID: the till's message id, at the shop's own mail domain."""
    domain = sender.rpartition("@")[2] or "warranty-desk.invalid"
    return f"<{message_hex}@{domain}>"


def _html(job: MailJob, logo_cid: str | None) -> str:
    paragraphs = "".join(
        "<p>" + "<br>".join(html.escape(line) for line in block.split("\n")) + "</p>"
        for block in letter_parts.paragraphs(job.body))
    logo = (f'<p><img src="cid:{logo_cid[1:-1]}" alt="{html.escape(job.shop)}" '
            'style="max-height:80px"></p>' if logo_cid else "")
    return (f'<!doctype html><html><body style="font-family:sans-serif">{logo}'
            f"<h2>{html.escape(job.shop)}</h2>{paragraphs}</body></html>")


def compose(job: MailJob, message_hex: str, sender: str, when: datetime,
            logo: bytes | None = None) -> EmailMessage:
    """The email: the shop's name in From, the text and an HTML part with the shop's logo."""
    mail = EmailMessage()
    mail["From"] = Address(job.shop or "", addr_spec=sender)
    mail["To"] = Address(job.customer or "", addr_spec=job.to)
    if job.shop_email and job.shop_email != sender:
        mail["Reply-To"] = job.shop_email
    mail["Subject"] = job.subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = message_id(message_hex, sender)
    mail.set_content(f"{job.body}\n\n-- \n{job.shop}\n")
    # Mail programs show PNG and JPEG inline; any other logo is left out rather than broken.
    kind = "png" if logo and logo.startswith(b"\x89PNG") else (
        "jpeg" if logo and logo.startswith(b"\xff\xd8") else None)
    cid = message_id(f"logo.{message_hex}", sender) if kind else None
    mail.add_alternative(_html(job, cid), subtype="html")
    if logo and kind and cid:
        page = mail.get_body(("html",))
        assert isinstance(page, EmailMessage)
        page.add_related(logo, "image", kind, cid=cid)
    return mail


class MailDestination:
    """Receives message.queued events and emails each message; every other topic is not its."""

    name = message_delivery.MAIL_DESTINATION
    batch_size = 20

    def __init__(self, db: Database, server: MailServer,
                 logo: Callable[[str], bytes | None] = lambda sha: None,
                 *, sms_on: bool = False) -> None:
        self.db = db
        self.server = server
        self._logo = logo
        # The till texts too: a customer who prefers SMS is passed to the SMS sender.
        self.sms_on = sms_on

    def close(self) -> None:
        """Nothing held between messages: each one has its own connection."""

    def wants(self, topic: str) -> bool:
        """Only messages to customers."""
        return topic == TOPIC

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        """Each message in turn; TransientError when the server cannot take mail now."""
        outcomes = []
        for event in events:
            # A batch cut by a TransientError is sent again: the ones before it are answered
            # "duplicate" then, from their rows, without a second email.
            outcomes.append(self._one(event))
        return outcomes

    def _one(self, event: Event) -> Outcome:
        hexid = str(event.payload.get("id") or event.aggregate_id)
        job = message_delivery.take_for_mail(self.db, hexid, sms_on=self.sms_on)
        if job.verdict == "done":
            return Outcome(event.id, "duplicate", job.reason)
        if job.verdict == "refuse":
            return Outcome(event.id, "rejected", job.reason)
        logo = self._logo(job.logo_sha256) if job.logo_sha256 else None
        mail = compose(job, hexid, self.server.sender, self.db.clock.now(), logo)
        try:
            answer = hand_over(self.server, mail, job.to)
        except NotTaken as exc:
            message_delivery.waits(self.db, hexid, f"Not sent yet: {exc}.")
            raise TransientError(str(exc), answered=False) from None
        except Refused as exc:
            message_delivery.refused(self.db, hexid, str(exc), address=exc.address)
            return Outcome(event.id, "rejected", str(exc))
        except Unknown as exc:
            message_delivery.unknown(self.db, hexid, str(exc))
            return Outcome(event.id, "rejected", str(exc))
        message_delivery.server_took(self.db, hexid, answer)
        return Outcome(event.id, "accepted")

    def check(self) -> str:
        """Connect, log in and say goodbye: proves the settings without sending anything."""
        server = self.server
        try:
            conn = _connect(server)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientError(f"The mail server {server.host}:{server.port} did not work: "
                                 f"{type(exc).__name__}: {exc}", answered=False) from None
        conn.quit()
        return (f"The mail server {server.host}:{server.port} answered"
                + (f" and took the login of {server.user}" if server.user else "")
                + ": the mail settings work.")
