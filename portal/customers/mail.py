"""Email from head office: a branch told of a customer's note, a customer sent their claim's steps.

The words of a claim step are the branch's own: the till writes each message from its wording
templates (resources/wording/messages.toml) and pushes it as message.queued; head office sends
exactly that text, and an HTML copy of it, and tells the branch how it went through its inbox.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPSenderRefused

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

from portal import clock
from portal.branches.models import Branch
from portal.customers.models import BranchMailbox, ClaimMail
from portal.inbox.models import InboxItem
from portal.inbox.services import queue_item
from portal.projections.models import Message
from warranty_desk import letter_parts
from warranty_desk.rules.evidence import evidence_label

log = logging.getLogger(__name__)

# A message the branch queued longer ago than this is not mailed when it first reaches head
# office (a till back after weeks offline, a portal newly set up): its news is stale, and the
# branch hears "failed" so it can tell the customer another way.
STALE_AFTER = timedelta(days=7)
# How far back each projection run looks for messages not mailed yet: a bound on the work per
# run at head office's size. A message reaching head office later than this is never reported.
LOOK_BACK = timedelta(days=30)


def _send(to: str, subject: str, text: str, html: str, reply_to: str = "") -> None:
    mail = EmailMultiAlternatives(subject=subject, body=text, to=[to],
                                  reply_to=[reply_to] if reply_to else None)
    mail.attach_alternative(html, "text/html")
    mail.send()


def paragraphs(text: str) -> list[list[str]]:
    """A plain-text message as paragraphs of lines (the HTML copy sets them, escaped)."""
    return [part.split("\n") for part in letter_parts.paragraphs(text)]


# -- the branch, told of a customer's note -------------------------------------------------


def tell_branch(item_id: int) -> bool:
    """Email the branch's mailbox that a customer wrote or added a file; False when it has
    none."""
    item = InboxItem.objects.select_related("branch").get(pk=item_id)
    box = BranchMailbox.objects.filter(branch_id=item.branch_id).first()
    if box is None:
        log.info("Branch %s has no mailbox; inbox item %s waits for its next pull unmailed",
                 item.branch.code, item.pk)
        return False
    number = str(item.payload.get("claim_ref", ""))
    if item.kind == "document_uploaded":
        name = str(item.payload.get("name", "")) or "a file"
        label = evidence_label(str(item.payload.get("kind", "")))
        subject = f"Claim {number}: the customer added a file on the portal"
        intro, body = "The customer added a file to claim", f"{name} ({label})"
    else:
        subject = f"Claim {number}: the customer wrote on the portal"
        intro, body = "The customer wrote about claim", str(item.payload.get("body", ""))
    facts = {"number": number, "intro": intro, "branch": item.branch}
    text = render_to_string("customers/mail/branch_note.txt", {**facts, "body": body})
    html = render_to_string("customers/mail/branch_note.html",
                            {**facts, "paragraphs": paragraphs(body)})
    _send(box.email, subject, text, html)
    return True


# -- the customer, sent each message the branch queued --------------------------------------


def queue_new(branch_id: int) -> list[int]:
    """A ClaimMail for each message of the branch not seen before; the ids to send."""
    seen = ClaimMail.objects.filter(branch_id=branch_id).values("message_id")
    fresh = (Message.objects.filter(branch_id=branch_id, customer__isnull=False,
                                    queued_at__gte=clock.now() - LOOK_BACK)
             .exclude(message_id__in=seen).order_by("queued_at", "pk"))
    made = []
    for message in fresh:
        row, created = ClaimMail.objects.get_or_create(branch_id=branch_id,
                                                       message_id=message.message_id)
        if created:
            made.append(row.pk)
    return made


def _report(row: ClaimMail, state: str, reason: str = "") -> None:
    row.state, row.reason, row.changed_at = state, reason[:300], clock.now()
    row.save(update_fields=["state", "reason", "changed_at"])
    payload = {"message_id": row.message_id, "state": state,
               "at": row.changed_at.isoformat().replace("+00:00", "Z")}
    if reason:
        payload["reason"] = reason[:300]
    queue_item(Branch.objects.get(pk=row.branch_id), "message_delivery", payload,
               item_id=f"delivery-{row.pk}-{state}")


def send_claim_mail(mail_id: int) -> str:
    """Email one queued message to the customer, and report sent or failed to the branch."""
    with transaction.atomic():
        row = ClaimMail.objects.select_for_update().get(pk=mail_id)
        if row.state != ClaimMail.QUEUED:
            return row.state  # a job run twice sends once
        message = (Message.objects.select_related("customer", "branch", "claim")
                   .filter(branch_id=row.branch_id, message_id=row.message_id).first())
        if message is not None and message.by_hand_at is not None:
            # The branch printed it for the customer, who has it: never both. The branch
            # knows, so nothing is reported back.
            row.state, row.changed_at = ClaimMail.BY_HAND, clock.now()
            row.save(update_fields=["state", "changed_at"])
            return row.state
        reason = _why_not(message)
        if reason or message is None:
            _report(row, ClaimMail.FAILED, reason)
            log.info("Message %s of branch %s not mailed: %s", row.message_id, row.branch_id,
                     reason)
            return row.state
        assert message.customer is not None
        box = BranchMailbox.objects.filter(branch_id=row.branch_id).first()
        shop = message.branch.name or f"branch {message.branch.code}"
        html = render_to_string("customers/mail/claim_message.html", {
            "subject": message.subject, "paragraphs": paragraphs(message.body), "shop": shop,
            "claim": message.claim})
        try:
            _send(message.customer.email, message.subject, message.body, html,
                  box.email if box else "")
        except (SMTPRecipientsRefused, SMTPSenderRefused):
            _report(row, ClaimMail.FAILED, "the mail server refused the customer's address")
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
            _report(row, ClaimMail.FAILED,
                    f"head office's mail server did not take it ({type(exc).__name__})")
        else:
            _report(row, ClaimMail.SENT)
        log.info("Message %s of branch %s: %s", row.message_id, row.branch_id, row.state)
        return row.state


def _why_not(message: Message | None) -> str:
    if message is None:
        return "head office no longer holds the message"
    if message.customer is None or not message.customer.email.strip():
        return "head office has no email address for the customer"
    if message.queued_at < clock.now() - STALE_AFTER:
        return (f"it reached head office more than {STALE_AFTER.days} days after it was "
                "written, too late to send")
    return ""

