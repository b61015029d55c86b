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

    Each message's row is recorded once, so a message is mailed once however often the branch
    is projected. Its job is deferred once that row is committed: inside a worker the job goes
    through the worker's own connection, committed at once, and a second worker thread took it
    before the row existed (ClaimMail.DoesNotExist under load, and the message never mailed).
    """
    def defer_each() -> None:
        for mail_id in made:
            send_claim_mail.defer(mail_id=mail_id)

    with transaction.atomic():
        made = mail.queue_new(branch_id)
        transaction.on_commit(defer_each)
