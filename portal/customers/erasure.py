"""Erasing a customer at head office when their branch says `customer.erased` (GDPR Art. 17).

Run by the receiver in the transaction that stores the event, so head office never holds the
erasure without having done it. What goes: the customer's name, phone, email and the addresses
they gave, from the branch's stored events (re-projecting must not bring them back), the read
models, the portal account (closed: it can never sign in again), their uploads (rows and
bytes), online claims' sender boxes, web orders, the inbox the branch still has to read, and
queued jobs. What stays: warranties and claims, naming the pseudonym, so head office's
figures still count them. Words are scrubbed the way the till scrubs its own copy
(warranty_desk.rules.erasure), so an event scrubbed on either side reads the same.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q

from portal import clock
from portal.customers.models import ClaimMail, CustomerAccount, OnlineClaim, OnlineDocument
from portal.projections.models import Claim, ClaimEvent, Customer, Message, Warranty
from portal.receiver.models import Document, storage_name
from portal.staff.models import RelayedMessage
from portal.webshop.models import WebOrder
from warranty_desk.rules.erasure import Words, scrub, scrub_text

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Erased:
    """What head office erased for one customer."""

    events: int
    accounts: int
    uploads: int


def _projected(branch_id: int, references: list[str]) -> list[Customer]:
    return list(Customer.objects.filter(branch_id=branch_id, reference__in=references))


def _stored_contacts(branch_id: int, references: list[str]) -> tuple[set[str], set[str],
                                                                     set[str]]:
    """Every name, phone and email the branch ever sent for these references."""
    names: set[str] = set()
    phones: set[str] = set()
    emails: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM receiver_event WHERE branch_id = %s AND "
                       "aggregate = 'customer' AND aggregate_id = ANY(%s)",
                       [branch_id, references])
        for (payload,) in cursor.fetchall():
            said = json.loads(payload) if isinstance(payload, str) else payload
            names.add(str(said.get("name") or ""))
            phones.add(str(said.get("phone") or ""))
            emails.add(str(said.get("email") or ""))
    for row in _projected(branch_id, references):
        names.add(row.name)
        phones.add(row.phone)
        emails.add(row.email)
    return names, phones, emails


def _accounts(phones: Iterable[str], emails: Iterable[str]) -> list[CustomerAccount]:
    keys = [e.strip().lower() for e in emails if e.strip()]
    numbers = [p for p in phones if p.strip()]
    return list(CustomerAccount.objects.filter(Q(email__in=keys) | Q(phone__in=numbers))
                .select_related("user"))


def erase(branch_id: int, reference: str, alias: str, merged: list[str]) -> Erased:
    """Erase one customer of a branch; call inside the transaction storing the event."""
    references = sorted({reference, *merged})
    # Two projectors of one branch take turns on the cursor row; so does this, so a projection
    # run that read the events before they were scrubbed has written its rows already (and
    # they are scrubbed below), and one after reads the scrubbed events.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM projections_projectioncursor WHERE branch_id = %s "
                       "FOR UPDATE", [branch_id])
    names, phones, emails = _stored_contacts(branch_id, references)
    accounts = _accounts(phones, emails)
    addresses = {c.sender_address for c in OnlineClaim.objects.filter(account__in=accounts)}
    names |= {c.sender_name for c in OnlineClaim.objects.filter(account__in=accounts)}
    names |= {o.customer_name for o in WebOrder.objects.filter(
        email__in=[e.strip().lower() for e in emails if e.strip()])}
    words = Words.of(reference, names={n for n in names if n and n != alias},
                     phones=phones, emails=emails, addresses=addresses)
    if not words.pairs:
        return Erased(0, 0, 0)
    events = _scrub_events(branch_id, references, words)
    _scrub_projection(branch_id, references, alias, words)
    uploads = _close_accounts(accounts, words)
    _scrub_json_table("inbox_inboxitem", "payload", "branch_id = %s", [branch_id], words)
    numbers = list(Claim.objects.filter(branch_id=branch_id, customer__reference__in=references)
                   .values_list("number", flat=True))
    for relayed in RelayedMessage.objects.filter(branch_id=branch_id, claim_number__in=numbers):
        relayed.body = scrub_text(relayed.body, words)
        relayed.save(update_fields=["body"])
    WebOrder.objects.filter(email__in=[e.strip().lower() for e in emails if e.strip()]) \
        .update(customer_name=alias, email="")
    _scrub_json_table("procrastinate_jobs", "args", "TRUE", [], words)
    return Erased(events, len(accounts), uploads)


def _scrub_events(branch_id: int, references: list[str], words: Words) -> int:
    """The branch's stored events that name the customer, scrubbed in place."""
    codes = list(Warranty.objects.filter(branch_id=branch_id, customer__reference__in=references)
                 .values_list("code", flat=True))
    numbers = list(Claim.objects.filter(branch_id=branch_id, customer__reference__in=references)
                   .values_list("number", flat=True))
    linked = references + codes + numbers
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, payload FROM receiver_event WHERE branch_id = %s AND "
            "(aggregate_id = ANY(%s) OR payload::text LIKE ANY(%s))",
            [branch_id, linked, [f"%{r}%" for r in references]])
        for event_id, payload in cursor.fetchall():
            held = json.loads(payload) if isinstance(payload, str) else payload
            after = scrub(held, words)
            if after != held:
                cursor.execute("UPDATE receiver_event SET payload = %s::jsonb WHERE id = %s",
                               [json.dumps(after, ensure_ascii=False), event_id])
                changed += 1
    return changed


def _scrub_projection(branch_id: int, references: list[str], alias: str, words: Words) -> None:
    Customer.objects.filter(branch_id=branch_id, reference__in=references).update(
        name=alias, phone="", phone_digits="", email="")
    theirs = Q(customer__branch_id=branch_id, customer__reference__in=references)
    for message in Message.objects.filter(theirs):
        message.subject = scrub_text(message.subject, words)
        message.body = scrub_text(message.body, words)
        message.save(update_fields=["subject", "body"])
    # The mail log: a mail server's refusal may quote the address it refused.
    for mail in ClaimMail.objects.filter(branch_id=branch_id, message_id__in=Message.objects
                                         .filter(theirs).values("message_id")):
        mail.reason = scrub_text(mail.reason, words)
        mail.save(update_fields=["reason"])
    for claim in Claim.objects.filter(theirs):
        claim.fault = scrub_text(claim.fault, words)
        claim.decision_reason = scrub_text(claim.decision_reason, words)
        claim.save(update_fields=["fault", "decision_reason"])
    _scrub_json_rows(ClaimEvent.objects.filter(claim__in=Claim.objects.filter(theirs)),
                     "details", words)


def _scrub_json_rows(rows: Any, field: str, words: Words) -> None:
    for row in rows:
        held = getattr(row, field)
        after = scrub(held, words)
        if after != held:
            setattr(row, field, after)
            row.save(update_fields=[field])


def _close_accounts(accounts: list[CustomerAccount], words: Words) -> int:
    """Close each account for good and delete its uploads; how many uploads went."""
    uploads = 0
    for account in accounts:
        for document in OnlineDocument.objects.filter(account=account):
            Document.objects.filter(branch_id=document.branch_id,
                                    sha256=document.sha256).delete()
            if not Document.objects.filter(sha256=document.sha256).exists():
                default_storage.delete(storage_name(document.sha256))
            document.delete()
            uploads += 1
        for claim in OnlineClaim.objects.filter(account=account):
            claim.fault = scrub_text(claim.fault, words)
            claim.sender_name, claim.sender_address = "", ""
            claim.save(update_fields=["fault", "sender_name", "sender_address"])
        user: User = account.user
        account.email, account.phone = "", ""
        account.save(update_fields=["email", "phone"])
        user.username = f"erased-{user.pk}"
        user.email, user.first_name, user.last_name = "", "", ""
        user.is_active = False  # it signs in no one any more
        user.set_unusable_password()
        user.save()
        _end_sessions(user.pk)
        _forget_addresses(user)
    return uploads


def _end_sessions(user_pk: int) -> None:
    """The user's open sessions go (one may hold a sign-in code's address)."""
    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user_pk):
            session.delete()


def _forget_addresses(user: User) -> None:
    """allauth's copy of the user's addresses, if the app keeps one."""
    try:
        from allauth.account.models import EmailAddress
    except ImportError:  # pragma: no cover - allauth is part of the portal
        return
    EmailAddress.objects.filter(user=user).delete()


def _scrub_json_table(table: str, column: str, where: str, params: list[Any], words: Words
                      ) -> None:
    """Rows of a table whose JSON column names the customer, scrubbed value by value: the
    inbox the branch has still to read, queued jobs (a mail to send names its address)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {column} FROM {table} WHERE {where} AND "
                       f"{column}::text LIKE ANY(%s)",
                       [*params, [f"%{v}%" for v in words.searchable()]])
        for row_id, value in cursor.fetchall():
            held = json.loads(value) if isinstance(value, str) else value
            after = scrub(held, words)
            if after != held:
                cursor.execute(f"UPDATE {table} SET {column} = %s::jsonb WHERE id = %s",
                               [json.dumps(after, ensure_ascii=False), row_id])
