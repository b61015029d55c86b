"""The [sync] settings for customer email: who sends it, and the till's own mail server."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warranty_desk.config import SyncSettings

# Who emails the customers: head office's portal (a chain), or this till's own mail server.
MESSAGE_CHANNELS = ("head_office", "smtp")
# none: plain SMTP (only to this computer); starttls: upgraded on the submission port (587);
# tls: TLS from the first byte (465).
SMTP_TLS_MODES = ("none", "starttls", "tls")
_MAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")


def mail_problems(sync: SyncSettings, loopback: tuple[str, ...]) -> list[str]:
    """Every reason the till's own mail settings cannot be used, in plain words."""
    found: list[str] = []
    if sync.messages not in MESSAGE_CHANNELS:
        found.append(f"the message channel {sync.messages!r} is unknown: use head_office or "
                     "smtp")
    if sync.smtp_tls not in SMTP_TLS_MODES:
        found.append(f"the mail server's TLS mode {sync.smtp_tls!r} is unknown: use none, "
                     "starttls or tls")
    if not 1 <= sync.smtp_port <= 65535:
        found.append(f"the mail server's port {sync.smtp_port} is not a port: use 587 "
                     "(STARTTLS) or 465 (TLS)")
    if sync.messages != "smtp":
        return found
    host = sync.smtp_host.strip()
    if not host or any(c.isspace() or c in "/@:" for c in host):
        found.append("messages go by the till's own mail server, but it has no server name: "
                     "type its name, e.g. smtp.example.com")
    elif sync.smtp_tls == "none" and host not in loopback:
        found.append("a mail server without TLS is only allowed on this computer (127.0.0.1 "
                     "or localhost): pick STARTTLS or TLS")
    if not _MAIL.fullmatch(sync.mail_from.strip()):
        found.append("messages go by the till's own mail server, but the From address "
                     f"{sync.mail_from!r} is not an email address: type the shop's address, "
                     "e.g. repairs@example.com")
    return found


def whole_mail(sync: SyncSettings, loopback: tuple[str, ...]) -> SyncSettings:
    """Half set up mail goes back to head office until its settings are whole."""
    if not mail_problems(sync, loopback):
        return sync
    return replace(sync, messages="head_office",
                   smtp_port=sync.smtp_port if 1 <= sync.smtp_port <= 65535 else 587,
                   smtp_tls=sync.smtp_tls if sync.smtp_tls in SMTP_TLS_MODES else "starttls")
