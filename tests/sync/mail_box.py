"""A real SMTP server on loopback (aiosmtpd) that keeps what it took, for the mail tests."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

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


@contextmanager
def smtp_server(port: int = 0) -> Iterator[Mailbox]:
    """A running server on loopback, stopped at the end."""
    box = Mailbox(port=port or free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
