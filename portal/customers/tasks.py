"""Background jobs of the customer portal: the emails head office sends, over SMTP."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from procrastinate.contrib.django import app

from portal.customers import mail

QUEUE = "mail"


@app.task(queue=QUEUE, name="portal.customers.tell_branch")
def tell_branch(item_id: int) -> None:
    """Email the branch that a customer wrote on one of its claims."""
    mail.tell_branch(item_id)


@app.task(queue=QUEUE, name="portal.customers.send_claim_mail")
def send_claim_mail(mail_id: int) -> None:
    """Email the customer one message their branch queued, and report how it went."""
    mail.send_claim_mail(mail_id)


def mail_new_messages(branch_id: int, **_: Any) -> None:
    """After a branch's events are projected: a job for each message it queued since.

    Each message gets its job in the transaction that records it, so a message is mailed once
    however often the branch is projected.
    """
    with transaction.atomic():
        for mail_id in mail.queue_new(branch_id):
            send_claim_mail.defer(mail_id=mail_id)
