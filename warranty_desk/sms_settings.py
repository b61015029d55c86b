"""The [sync] settings for text messages: the SMS gateway's address and the sender name."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warranty_desk.config import SyncSettings

# An alphanumeric sender ID is at most 11 letters, digits or spaces (a GSM limit), with a
# letter among them; a numeric sender is a phone number of at most 15 digits.
_NAME_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
_NUMBER_SENDER = re.compile(r"\+?[0-9]{3,15}")


def sms_on(sync: SyncSettings) -> bool:
    """Whether this till sends texts itself: a gateway is set and it sends its own messages."""
    return bool(sync.sms_url.strip()) and sync.messages == "smtp"


def own_channels(sync: SyncSettings) -> tuple[str, ...]:
    """The channels this till sends messages by itself: none (head office sends), email, and
    sms when it has a gateway."""
    if sync.messages != "smtp":
        return ()
    return ("email", "sms") if sms_on(sync) else ("email",)


def sms_problems(sync: SyncSettings,
                 address_problem: Callable[[str, str], str | None]) -> list[str]:
    """Every reason the SMS settings cannot be used, in plain words; `address_problem` is the
    sync addresses' own rule (https, or http to this computer only)."""
    found: list[str] = []
    sender = sync.sms_sender.strip()
    if sender and not (_NAME_SENDER.fullmatch(sender) or _NUMBER_SENDER.fullmatch(sender)):
        found.append(f"the SMS sender name {sender!r} cannot be used: type at most 11 letters "
                     "or digits (e.g. LumenRepair), or a phone number with its country code")
    if not sync.sms_url.strip():
        return found
    problem = address_problem(sync.sms_url, "SMS gateway address")
    if problem:
        found.append(problem)
    if sync.messages != "smtp":
        found.append("an SMS gateway is set, but head office sends this shop's messages: texts "
                     "go from the till only when it sends its messages itself (its own mail "
                     "server); clear the gateway address or switch to the till's own server")
    return found


def whole_sms(sync: SyncSettings,
              address_problem: Callable[[str, str], str | None]) -> SyncSettings:
    """SMS settings that cannot be used are switched off, not left half set up."""
    if not sms_problems(sync, address_problem):
        return sync
    return replace(sync, sms_url="", sms_sender="")
