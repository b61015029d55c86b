"""A real SMTP server on loopback (aiosmtpd) that keeps what it took, for the mail tests."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from sync.mail import MailServer


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """What the server took: each message as parsed; refuses the addresses in `refuse`."""

    port: int = 0
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    # Seconds the server holds its answer to DATA back after keeping the message.
    hold: float = 0.0
    taken: int = 0

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), mail))
        self.taken += 1
        if self.hold:
            await asyncio.sleep(self.hold)
        return f"250 2.0.0 Ok: queued as Q{self.taken:04d}"

    def ids(self) -> list[str]:
        """Every Message-ID taken, in order (a message taken twice is there twice)."""
        return [str(mail["Message-ID"]) for _, mail in self.messages]

    def server(self) -> MailServer:
        """How the till reaches this server."""
        return MailServer("127.0.0.1", self.port, "none", "", lambda: "",
                          "repairs@shop.example", timeout=5.0)


def _only(login: bytes, password: bytes) -> object:
    def check(server: SMTP, session: Session, envelope: Envelope, mechanism: str,
              auth_data: object) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login, auth_data.password) == (login, password)
        # handled=False: aiosmtpd answers 535 itself (handled=True would leave it unsaid).
        return AuthResult(success=ok, handled=False)
    return check


@contextmanager
def smtp_server(port: int = 0, *, tls: str = "none", cert: tuple[str, str] | None = None,
                login: tuple[str, str] | None = None) -> Iterator[Mailbox]:
    """A running server on loopback, stopped at the end.

    tls "starttls" offers STARTTLS and requires it before a login; "tls" speaks TLS from the
    first byte. `cert` is the server's (certificate, key) files; `login` the one user it takes.
    """
    box = Mailbox(port=port or free_port())
    options: dict[str, object] = {}
    if cert is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*cert)
        if tls == "starttls":
            options.update(tls_context=context, require_starttls=True)
        elif tls == "tls":
            options.update(ssl_context=context)
    if login is not None:
        # Over implicit TLS aiosmtpd does not count the session as TLS: it may not insist.
        options.update(authenticator=_only(login[0].encode(), login[1].encode()),
                       auth_require_tls=tls != "tls")
    controller = Controller(box, hostname="127.0.0.1", port=box.port, **options)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
