"""Finding and creating customers: by stable reference, then phone, then email."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk import card_numbers, contacts
from warranty_desk.errors import BadInput
from warranty_desk.models import Customer, Segment
from warranty_desk.services import numbers, outbox
from warranty_desk.services.shop_locale import phone_region


@dataclass(frozen=True, slots=True)
class CustomerInput:
    """A customer as the POS or the counter describes them."""

    name: str
    phone: str = ""
    email: str = ""
    segment: str = "retail"
    reference: str = ""
    # The customer agreed at this sale to reminders before a warranty ends (and its offers).
    reminders_agreed: bool = False

    def __post_init__(self) -> None:
        # Every way a customer comes in (counter, sale, import, portal) passes here: a card
        # number typed into the name is masked before anything keeps it.
        object.__setattr__(self, "name", card_numbers.masked(self.name))


def parse_segment(text: str) -> Segment:
    """A segment from its name, refusing unknown ones in plain words."""
    try:
        return Segment(text.strip().lower() or "retail")
    except ValueError:
        names = ", ".join(s.value for s in Segment)
        raise BadInput(f"Unknown customer segment {text!r}: use one of {names}.") from None


def contact_keys(session: Session, data: CustomerInput) -> tuple[str, str]:
    """The input's phone (E.164, in the shop's country unless it says otherwise) and email as
    stored; BadInput in plain words when either cannot be used."""
    try:
        phone = contacts.phone_key(data.phone, phone_region(session))
        email = contacts.email_key(data.email)
    except contacts.ContactError as exc:
        raise BadInput(str(exc)) from None
    return phone, email


def find(session: Session, data: CustomerInput) -> Customer | None:
    """The existing customer this input describes, if any."""
    if data.reference:
        found = session.scalars(
            select(Customer).where(Customer.reference == data.reference.strip())
        ).first()
        if found:
            return found
    phone, email = contact_keys(session, data)
    if phone:
        found = session.scalars(select(Customer).where(Customer.phone == phone)).first()
        if found:
            return found
    if email:
        return session.scalars(select(Customer).where(Customer.email == email)).first()
    return None


def find_or_create(session: Session, data: CustomerInput, branch: str) -> tuple[Customer, bool]:
    """The matching customer, or a new one with a fresh reference; True when created."""
    existing = find(session, data)
    if existing is not None:
        return existing, False
    if not data.name.strip():
        raise BadInput("The customer has no name. Type the customer's name, or leave the "
                       "customer out for an anonymous sale.")
    phone, email = contact_keys(session, data)
    reference = data.reference.strip() or numbers.customer_reference(
        branch, numbers.reserve(session, "CU", 0)
    )
    customer = Customer(
        reference=reference, name=data.name.strip(), phone=phone, email=email,
        segment=parse_segment(data.segment),
    )
    session.add(customer)
    session.flush()
    # Head office and the CRM learn of a new customer however it was created.
    outbox.emit(session, "customer.created", "customer", reference, created_payload(customer))
    return customer, True


def created_payload(customer: Customer) -> dict[str, object]:
    """What the customer.created event carries."""
    return {"reference": customer.reference, "name": customer.name, "phone": customer.phone,
            "email": customer.email, "segment": customer.segment.value}
