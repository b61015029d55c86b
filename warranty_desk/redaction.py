"""The one redaction step: every stored secret out of a message or a log line, whatever its source.

Sync reads its tokens and passwords through sync.secrets, which remembers each one here; a
server's error page may echo the request's Authorization header, and a hand-edited address may
carry a user and password. Every line built from a server's answer, every log record and every
message the command line prints goes through `redact` first.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "********"
# Shorter values are not secrets worth the name, and masking them would mangle ordinary words.
_MIN_LENGTH = 6

_lock = threading.Lock()
_secrets: set[str] = set()

# What follows "Bearer" or "Basic" is a credential, stored here or not, when it looks like one:
# ordinary words ("Basic cover", "bearer instruments") are left alone.
_SCHEME = re.compile(r"(?i)\b(bearer|basic)(\s+)([A-Za-z0-9._~+/=-]{8,})")
# user:password@ (or user@) inside a web address.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"<>]+@")


def remember(value: str | None) -> None:
    """Treat this value as a secret from now on, in this process."""
    if value and len(value.strip()) >= _MIN_LENGTH:
        with _lock:
            _secrets.add(value.strip())


def forget_all() -> None:
    """Forget every remembered secret (tests start each from nothing)."""
    with _lock:
        _secrets.clear()


def redact(text: str) -> str:
    """The text with every remembered secret, credential header and address password masked."""
    if not text:
        return text
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _SCHEME.sub(_mask_credential, text)
    return _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)


def _mask_credential(found: re.Match[str]) -> str:
    value = found.group(3)
    tail = value[1:]
    looks_made = (any(c.isdigit() or c in "._~+/=-" for c in value)
                  or (any(c.isupper() for c in tail) and any(c.islower() for c in tail)))
    return f"{found.group(1)}{found.group(2)}{MASK}" if looks_made else found.group(0)


class RedactingFilter(logging.Filter):
    """Masks secrets in a record's message and traceback before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def guard(handler: logging.Handler) -> logging.Handler:
    """The handler with the redacting filter on it (once)."""
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    return handler
