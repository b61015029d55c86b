"""One portal inbox item: as received, its payload read field by field (anything off refused
in plain words: what was wrong, and that head office should check the item), and the states
its stored result takes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from warranty_desk.services.customers import CustomerInput

_SHA256 = re.compile(r"[0-9a-f]{64}")

# A stored result starts so when the item was given up, or waits for another pull.
PROBLEM = "problem: "
WAITING = "waiting: "

Status = Literal["applied", "problem", "waiting"]


def status_of(result: str) -> Status:
    """Whether a stored result is applied, a problem given up, or waiting."""
    if result.startswith(PROBLEM):
        return "problem"
    if result.startswith(WAITING):
        return "waiting"
    return "applied"


@dataclass(frozen=True, slots=True)
class InboxItemInput:
    """One portal inbox item as received; the payload is checked here, not trusted."""

    id: str
    kind: str
    payload: Any  # as received: a mapping of fields when the portal keeps to its contract
    created_at: datetime | None = None
    source: str = "portal"


class Refused(Exception):
    """Why an item cannot be applied; `waiting` when a later pull may succeed."""

    def __init__(self, reason: str, *, waiting: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.waiting = waiting


def read_text(payload: Mapping[str, Any], key: str, *, required: bool = False,
              limit: int = 2000) -> str:
    """A text field, stripped; refused when missing (if required), not text, or too long."""
    value = payload.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise Refused(f"the portal sent no usable {key.replace('_', ' ')}; ask head office "
                      "to check the item")
    if len(value) > limit:
        raise Refused(f"the {key.replace('_', ' ')} is longer than {limit} characters; ask "
                      "head office to check the item")
    return value.strip()


def read_day(text: str, what: str) -> date:
    """A calendar day written YYYY-MM-DD; `what` names it in the refusal."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(f"the {what} {text!r} is not a date (YYYY-MM-DD); ask head office to "
                      "check the item") from None


def read_customer(payload: Mapping[str, Any]) -> CustomerInput:
    """The item's customer: a name, and a phone and email if given."""
    raw = payload.get("customer")
    if not isinstance(raw, Mapping):
        raise Refused("the portal sent no customer; ask head office to check the item")
    return CustomerInput(name=read_text(raw, "name", required=True, limit=200),
                         phone=read_text(raw, "phone", limit=40),
                         email=read_text(raw, "email", limit=200))


def read_hashes(value: object) -> list[str]:
    """Document references (SHA-256 in hex), each once, in the order given."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(h, str) and _SHA256.fullmatch(h)
                                              for h in value):
        raise Refused("the document list holds something that is not a document reference; "
                      "ask head office to check the item")
    return list(dict.fromkeys(value))


def shorten(text: str, limit: int = 200) -> str:
    """A customer's words on one line, cut to `limit` characters for a timeline entry."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"
