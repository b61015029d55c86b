"""Customers as a sale plan matches them: each input's phone and email keys, a name that does not
fit the customer on file or earlier in the batch, and the new customers the plan adds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from warranty_desk import contacts
from warranty_desk.services import outbox
from warranty_desk.services.customers import CustomerInput, parse_segment
from warranty_desk.services.sale_plan import Plan


@dataclass(frozen=True, slots=True)
class Matchable:
    """A customer input's phone and email as stored, and the keys it is matched by."""

    phone: str
    email: str
    # 'ref:', 'phone:' and 'email:' keys, in the order a match is looked for.
    keys: tuple[str, ...]
    # (field, why) for a phone or email that cannot be used; the sale is refused.
    problems: tuple[tuple[str, str], ...] = ()


def match_key(data: CustomerInput) -> tuple[str, str, str]:
    # What _matchable reads; a tuple of str hashes in C, the dataclass through Python.
    return data.reference, data.phone, data.email


def matchable(data: CustomerInput, region: str | None) -> Matchable:
    problems: list[tuple[str, str]] = []
    phone = email = ""
    try:
        phone = contacts.phone_key(data.phone, region)
    except contacts.ContactError as exc:
        problems.append(("phone", str(exc)))
    try:
        email = contacts.email_key(data.email)
    except contacts.ContactError as exc:
        problems.append(("email", str(exc)))
    keys = tuple(prefix + value for prefix, value in (
        ("ref:", data.reference.strip()), ("phone:", phone), ("email:", email)) if value)
    return Matchable(phone, email, keys, tuple(problems))


# A known customer as the plan matches them: id bytes, reference and name.
Known = tuple[bytes, str, str]


def _same_name(a: str, b: str) -> bool:
    # "grace  okafor" and "Grace Okafor" are one name; "Grace O." is not.
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


_KEY_WORDS = {"phone:": "phone", "email:": "email"}


def name_problem(
    data: CustomerInput, form: Matchable, known: dict[str, Known],
    named: dict[str, tuple[str, int | None]], row: int | None,
) -> str | None:
    """Why this customer is refused: their phone or email belongs to someone else by name.

    A match by phone or email with a different name is never resolved silently (a sale for
    one person printed with another's name); the person fixing the input decides.
    """
    name = data.name.strip()
    if not name:
        return None
    for key in form.keys:
        prefix, _, value = key.partition(":")
        what = _KEY_WORDS.get(prefix + ":")
        if key in known:
            if what is None:  # the shop's own reference decides who it is
                return None
            _, ref, on_file = known[key]
            if not _same_name(on_file, name):
                return (f"The {what} {value} belongs to {on_file} ({ref}), but this sale names "
                        f"{name}. If it is the same person, write the name as {on_file}; if "
                        f"not, correct the {what}.")
            return None
        if what is not None and key in named and not _same_name(named[key][0], name):
            first, at = named[key]
            return (f"The {what} {value} is also given for {first} at row {at}, but this sale "
                    f"names {name}. One {what} is one customer: use the same name on both, "
                    f"or correct the {what}.")
    for key in form.keys:
        named.setdefault(key, (name, row))
    return None


@lru_cache(maxsize=64)
def segment_value(text: str) -> str:
    """A segment as stored (BadInput for an unknown one); a file repeats a handful of them."""
    return parse_segment(text).value


@dataclass(slots=True)
class Customers:
    """Customers as the plan resolves them: those on file, those it adds, and every input's
    normalised form."""

    known: dict[str, Known]
    forms: dict[tuple[str, str, str], Matchable]
    added: dict[str, tuple[Any, str]] = field(default_factory=dict)


def resolve_customer(
    plan: Plan, data: CustomerInput | None, customers: Customers, stamp: str,
    next_reference: Callable[[], str], new_key: Callable[[], bytes],
) -> tuple[Any, str | None]:
    """The sale's customer as (id bytes, reference): one on file, one this plan already added,
    or a new one added to the plan with its customer.created event; (None, None) for none."""
    if data is None:
        return None, None
    cid, ref = _resolved(plan, data, customers, stamp, next_reference, new_key)
    if cid is not None and data.reminders_agreed:
        plan.consents.append(cid)
    return cid, ref


def _resolved(
    plan: Plan, data: CustomerInput, customers: Customers, stamp: str,
    next_reference: Callable[[], str], new_key: Callable[[], bytes],
) -> tuple[Any, str | None]:
    form = customers.forms[match_key(data)]
    for key in form.keys:
        if key in customers.known:
            cid, ref, _ = customers.known[key]
            return cid, ref
        if key in customers.added:
            return customers.added[key]
    name = data.name.strip()
    if not name:
        return None, None
    cid = new_key()
    ref = data.reference.strip() or next_reference()
    segment = segment_value(data.segment)
    plan.customers.values.append((cid, ref, name, form.phone, form.email, segment, 0, stamp))
    plan.events.values.append(outbox.bulk_row(
        new_key(), stamp, "customer.created", "customer", ref,
        {"reference": ref, "name": name, "phone": form.phone, "email": form.email,
         "segment": segment}))
    for key in form.keys or ("new:" + ref,):
        customers.added[key] = (cid, ref)
    return cid, ref
