"""Customer messages written from the wording templates, queued for delivery by sync."""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass
from functools import cache
from string import Template

from sqlalchemy.orm import Session

from warranty_desk.models import CustomerMessage
from warranty_desk.resources import resource_dir
from warranty_desk.services import outbox


@dataclass(frozen=True, slots=True)
class Wording:
    """One template's subject and body."""

    subject: str
    body: str


@cache
def templates() -> dict[str, Wording]:
    """The shipped wording templates, read once."""
    data = tomllib.loads((resource_dir() / "wording" / "messages.toml").read_text("utf-8"))
    return {name: Wording(t["subject"], t["body"]) for name, t in data.items()}


def render(name: str, values: dict[str, str]) -> Wording:
    """Fill a template; a missing value stays visible as $name rather than failing the claim.

    An empty value leaves no trace at the end of the letter: a shop with no phone signs off
    with its name, not with a blank line or a dangling comma.
    """
    wording = templates()[name]
    body = Template(wording.body).safe_substitute(values)
    return Wording(Template(wording.subject).safe_substitute(values),
                   "\n".join(line.rstrip() for line in body.split("\n")).rstrip())


def queue(
    session: Session, *, template: str, values: dict[str, str], claim_id: uuid.UUID | None,
    customer_id: uuid.UUID | None, customer_ref: str | None, claim_number: str | None,
) -> CustomerMessage:
    """Write the message and its outbox event in the caller's transaction."""
    wording = render(template, values)
    message = CustomerMessage(claim_id=claim_id, customer_id=customer_id, template=template,
                              subject=wording.subject, body=wording.body)
    session.add(message)
    session.flush()
    outbox.emit(session, "message.queued", "message", message.id.hex,
                {"id": message.id.hex, "claim": claim_number, "customer": customer_ref,
                 "template": template, "subject": wording.subject, "body": wording.body})
    return message
