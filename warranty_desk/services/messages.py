"""Customer messages written from the wording templates, queued for delivery by sync.

Each customer segment has its own register of the same templates: messages.toml is the retail
wording (the default, and what the portal and callers without a customer read), and
messages.<segment>.toml the VIP, business and reseller ones.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from functools import cache
from string import Template

from sqlalchemy.orm import Session

from warranty_desk.models import CustomerMessage, Segment
from warranty_desk.resources import resource_dir
from warranty_desk.services import outbox


@dataclass(frozen=True, slots=True)
class Wording:
    """One template's subject and body."""

    subject: str
    body: str


def wording_file(segment: Segment) -> str:
    """The file under resources/wording/ that holds a segment's register."""
    return "messages.toml" if segment is Segment.RETAIL else f"messages.{segment.value}.toml"


@cache
def templates(segment: Segment = Segment.RETAIL) -> dict[str, Wording]:
    """The shipped wording templates of one segment (retail unless said), read once."""
    path = resource_dir() / "wording" / wording_file(segment)
    data = tomllib.loads(path.read_text("utf-8"))
    return {name: Wording(t["subject"], t["body"]) for name, t in data.items()}


def segment_of(value: Segment | str | None) -> Segment:
    """A customer's segment as the wording reads it; no customer, or one unknown, is retail."""
    if isinstance(value, Segment):
        return value
    try:
        return Segment(value or Segment.RETAIL.value)
    except ValueError:
        return Segment.RETAIL


def render(name: str, values: dict[str, str], segment: Segment = Segment.RETAIL) -> Wording:
    """Fill a template; a missing value stays visible as $name rather than failing the claim.

    An empty value leaves no trace at the end of the letter: a shop with no phone signs off
    with its name, not with a blank line or a dangling comma.
    """
    wording = templates(segment)[name]
    body = Template(wording.body).safe_substitute(values)
    return Wording(Template(wording.subject).safe_substitute(values),
                   "\n".join(line.rstrip() for line in body.split("\n")).rstrip())


def queue(
    session: Session, *, template: str, values: dict[str, str], claim_id: uuid.UUID | None,
    customer_id: uuid.UUID | None, customer_ref: str | None, claim_number: str | None,
    segment: Segment = Segment.RETAIL, wording: Wording | None = None,
) -> CustomerMessage:
    """Write the message and its outbox event in the caller's transaction.

    The template is read in the customer's segment; `wording` is a text staff already wrote
    from it (an edited letter), sent as it stands.
    """
    wording = wording or render(template, values, segment)
    message = CustomerMessage(claim_id=claim_id, customer_id=customer_id, template=template,
                              subject=wording.subject, body=wording.body)
    session.add(message)
    session.flush()
    outbox.emit(session, "message.queued", "message", message.id.hex,
                {"id": message.id.hex, "claim": claim_number, "customer": customer_ref,
                 "template": template, "subject": wording.subject, "body": wording.body})
    return message
