"""The claim screen's Messages tab at work: a message sent again, as a letter, by the other
channel, printed, reworded before it goes, or answered; each through its service."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from warranty_desk.errors import BadInput, NotFound
from warranty_desk.permissions import Actor
from warranty_desk.services import claim_messages, message_delivery
from warranty_desk.storage.database import Database

if TYPE_CHECKING:
    from ui.screens.claim_detail import ClaimDetailScreen


class MessageActions:
    """Connects one claim screen's Messages tab to the message services."""

    def __init__(self, screen: ClaimDetailScreen) -> None:
        self.screen = screen
        tab = screen.messages
        # A message that did not reach the customer: again, or as a letter.
        tab.retry_requested.connect(partial(self.run, message_delivery.retry))
        tab.letter_requested.connect(partial(self.run, message_delivery.as_letter))
        # Any message on paper: printing it delivers it by hand.
        tab.print_requested.connect(screen.print_desk.print_letter)
        tab.switch_requested.connect(self.switch)
        # Words to the customer: a queued message reworded, or a reply.
        tab.edit_requested.connect(self.edit)
        tab.reply_requested.connect(self.reply)

    def switch(self, message_id: str, channel: str) -> None:
        """Send the message by the other of email and SMS."""
        senders = self.screen.messages.senders
        self.run(lambda db, actor, hexid: message_delivery.switch_channel(
            db, actor, hexid, channel, senders=senders), message_id)

    def run(self, service: Callable[[Database, Actor, str], str], message_id: str) -> None:
        """A delivery service on one message; its words on the notice line, then a reload."""
        screen = self.screen
        actor = screen.ctx.actor
        if actor is None:
            return

        def done(words: str) -> None:
            screen.ctx.notice.emit(words, "success")
            screen.own_change = True  # reloaded below, once
            try:
                screen.ctx.data_changed.emit("messages")
            finally:
                screen.own_change = False
            screen.reload()

        screen.ctx.run(lambda: service(screen.ctx.db, actor, message_id), done)

    def edit(self, message_id: str, subject: str, body: str) -> None:
        """A queued message reworded (the policy allowing)."""
        ctx, number = self.screen.ctx, self.screen.number or ""
        actor = ctx.require_actor()
        ctx.run(lambda: claim_messages.edit_message(ctx.db, actor, number, message_id,
                                                    subject, body),
                lambda _none: self._saved("The message is reworded; it goes as it reads now."),
                self._refused)

    def reply(self, text: str) -> None:
        """Staff's answer to the customer, by the claim's own road."""
        ctx, number = self.screen.ctx, self.screen.number or ""
        actor = ctx.require_actor()
        ctx.run(lambda: claim_messages.reply(ctx.db, actor, number, text),
                lambda _none: self._saved("Your reply is on its way to the customer."),
                self._refused)

    def _saved(self, words: str) -> None:
        self.screen.messages.close_writer()
        self.screen.ctx.notice.emit(words, "success")
        self.screen.claim_actions_changed("message")

    def _refused(self, exc: BaseException) -> None:
        known = isinstance(exc, BadInput | NotFound)
        self.screen.messages.failed(str(exc) if known else
                                    "The message could not be saved; try again.")
        if not known:
            self.screen.ctx.report(exc)
