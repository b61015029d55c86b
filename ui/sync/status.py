"""The status bar's sync indicator: online or offline, what waits, what needs a person, in words."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ui.context import AppContext
from ui.sync.worker import is_set_up
from ui.widgets.styling import set_style_property
from ui.wording import who_may
from warranty_desk import config
from warranty_desk.clock import zone_of
from warranty_desk.permissions import Actor, Permission, allowed
from warranty_desk.sms_settings import sms_on
from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    # The counts' services load with the first count, off the GUI thread (the warm-up has them
    # first): message delivery brings the phone numbers' tables, a tenth of the start.
    from warranty_desk.services.sync_admin import SyncStatus
    from warranty_desk.storage.database import Database

log = logging.getLogger(__name__)

SYNC_KEY = "F10"  # the Sync panel's key, named on the indicator


@dataclass(frozen=True, slots=True)
class SyncSnapshot:
    """What the database and config.toml say about sync now (read off the GUI thread)."""

    set_up: bool
    interval_minutes: int = config.SyncSettings().interval_minutes
    destinations: tuple[SyncStatus, ...] = ()  # the receivers of events: portal, crm
    nightly: SyncStatus | None = None
    # Items no person has dealt with yet, however old; 0 for people who may not manage sync.
    inbox_problems: int = 0
    # Messages to customers that failed, bounced or were interrupted (any channel).
    messages_failed: int = 0
    # No head office: the shop's own mail server (and SMS gateway) are its only receivers.
    alone: bool = False

    @property
    def waiting(self) -> int:
        """Events not yet at every receiver (each receiver keeps its own count)."""
        return max((d.pending for d in self.destinations), default=0)

    @property
    def parked(self) -> int:
        """Events a receiver refused, waiting for a person to retry or dismiss them."""
        return sum(d.parked for d in self.destinations)

    @property
    def attention(self) -> int:
        """Things only a person can settle: refused events and inbox items given up."""
        return self.parked + self.inbox_problems

    @property
    def last_success_at(self) -> datetime | None:
        """When head office's portal last took events (else any receiver did)."""
        ordered = sorted(self.destinations, key=lambda d: d.destination != "portal")
        return next((d.last_success_at for d in ordered if d.last_success_at), None)

    @property
    def last_sent_at(self) -> datetime | None:
        """When the shop's own senders last sent a message (the latest of them)."""
        return max((d.last_success_at for d in self.destinations if d.last_success_at),
                   default=None)


def destination_names(settings: config.SyncSettings) -> list[str]:
    """The receivers these settings send to, so a new one shows before it sent anything."""
    names = ["portal"] if settings.portal_url else []
    if settings.crm != "none":
        names.append("crm")
    if settings.messages == "smtp":
        names.append("mail")
    if sms_on(settings):
        names.append("sms")
    return names


def read_snapshot(home: Home, db: Database, actor: Actor | None) -> SyncSnapshot:
    """Counts for the indicator and the panel: blocking, Qt-free, one short read each."""
    from warranty_desk.services import message_delivery, sync_admin
    from warranty_desk.services.outbox_retention import NIGHTLY_CURSOR

    settings = config.load(home).settings.sync
    rows = sync_admin.status(db, destination_names(settings))
    problems = 0
    if actor is not None and allowed(actor.role, Permission.MANAGE_SYNC):
        # Loaded here, off the GUI thread: the inbox brings the claim and sale services with
        # it, which the status bar must not load while the app starts.
        from warranty_desk.services import inbox

        # An item the till could not use is never sent again: it asks for attention until a
        # person marks it dealt with on the Sync panel (or with `warranty-desk sync inbox`).
        problems = inbox.open_problem_count(db)
    return SyncSnapshot(
        set_up=is_set_up(settings), interval_minutes=settings.interval_minutes,
        destinations=tuple(r for r in rows if r.destination != NIGHTLY_CURSOR),
        nightly=next((r for r in rows if r.destination == NIGHTLY_CURSOR), None),
        inbox_problems=problems, messages_failed=message_delivery.trouble_count(db),
        alone=not settings.portal_url)


def clock_words(at: datetime, zone: str, now: datetime) -> str:
    """10:42 today, else 21 Nov 10:42, in the shop's time zone."""
    tz = zone_of(zone)
    local, today = at.astimezone(tz), now.astimezone(tz).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%d %b %H:%M")


@dataclass(frozen=True, slots=True)
class IndicatorState:
    """Everything the indicator's words come from."""

    snapshot: SyncSnapshot | None = None
    online: bool | None = None  # from the last cycle; None before the first
    syncing: bool = False
    failure: str = ""  # the worker's last plain-words failure, until a cycle completes
    message: str = ""  # the last cycle's own line ("Sent 3 records to head office.")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _head_office_words(state: IndicatorState, zone: str, now: datetime) -> list[str]:
    """Online or offline, and what waits for head office (or when it last took records)."""
    snap = state.snapshot
    assert snap is not None
    parts: list[str] = []
    if state.syncing:
        parts.append("Syncing…")
    elif state.online is not None:
        parts.append("Online" if state.online else "Offline")
    last = snap.last_success_at
    if snap.waiting:
        parts.append(f"{snap.waiting} waiting")
    elif last is not None:
        parts.append(f"synced {clock_words(last, zone, now)}")
    return parts


def _alone_words(state: IndicatorState, zone: str, now: datetime) -> list[str]:
    """A shop without head office: only its messages to customers go anywhere, by its own
    mail server (and SMS gateway), so only they are counted and named."""
    from warranty_desk.services.message_delivery import MAIL_DESTINATION  # read_snapshot's

    snap = state.snapshot
    assert snap is not None
    parts = ["Working alone"]
    mail_only = all(d.destination == MAIL_DESTINATION for d in snap.destinations)
    if state.syncing:
        parts.append("sending messages…")
    elif state.online is False:
        parts.append("mail server not reached" if mail_only else
                     "mail server or SMS gateway not reached")
    last = snap.last_sent_at
    if snap.waiting:
        parts.append(f"{_plural(snap.waiting, 'message')} waiting")
    elif last is not None:
        parts.append(f"{'mail' if mail_only else 'messages'} sent "
                     f"{clock_words(last, zone, now)}")
    return parts


def alone_line(snapshot: SyncSnapshot) -> str:
    """The Sync panel's line for a shop without head office: its messages, and where the rest
    of its records are."""
    kept = " With no head office, sales and claims are kept on this till (and all go to head " \
           "office if the shop connects to one later)."
    if snapshot.waiting:
        waits = "waits" if snapshot.waiting == 1 else "wait"
        return (f"{_plural(snapshot.waiting, 'message')} to customers {waits} to be sent by "
                f"the shop's own mail server.{kept}")
    return f"Every message to customers has been sent.{kept}"


def background_words(snapshot: SyncSnapshot | None) -> str:
    """What sync does unseen, for the indicator's tooltip."""
    if snapshot is not None and snapshot.alone:
        return "Messages to customers go out by the shop's own mail server in the background."
    return "Records go to head office in the background."


def indicator_words(state: IndicatorState, zone: str, now: datetime) -> tuple[str, str]:
    """The indicator's text and level (info, success, warning, error): words, never colour alone."""
    snap = state.snapshot
    if snap is None:
        return "Sync: checking…", "info"
    if not snap.set_up:
        return "Sync off (not set up)", "info"
    if state.failure:
        # The reason (settings, or a bug) is in the tooltip and on the Sync panel.
        return "Sync stopped", "error"
    parts = _alone_words(state, zone, now) if snap.alone else _head_office_words(
        state, zone, now)
    if snap.attention:
        parts.append(f"{snap.attention} need{'s' if snap.attention == 1 else ''} attention")
    if snap.messages_failed:
        parts.append(f"{_plural(snap.messages_failed, 'message')} not delivered")
    if not parts:
        parts.append("Sync waiting for its first run")
    text = " · ".join(parts)
    text = text[0].upper() + text[1:]
    if snap.attention or snap.messages_failed or state.online is False:
        level = "warning"
    elif state.online and not snap.waiting:
        level = "success"
    else:
        level = "info"
    return text, level


class SyncIndicator(QPushButton):
    """Sync in a few words; clicking it (or F10) opens the Sync panel."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__("")
        self.ctx = ctx
        self.state = IndicatorState()
        self.setObjectName("syncStatus")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    # --- What the main window feeds it -----------------------------------------------------

    def signed_in(self, _actor: object = None) -> None:
        """Someone signed in: count for them (inbox problems only for those managing sync)."""
        self.refresh()

    def signed_out(self) -> None:
        """The counter is locked: nothing to show until the next person signs in."""
        self.hide()

    def show_syncing(self) -> None:
        """The worker started a cycle."""
        self._set(replace(self.state, syncing=True))

    def show_report(self, report: object) -> None:
        """A cycle ended (a CycleReport): its connectivity and message, then fresh counts."""
        self.state = replace(self.state, syncing=False, failure="",
                             online=bool(getattr(report, "online", False)),
                             message=str(getattr(report, "message", "")))
        self._set(self.state)
        self.refresh()

    def show_failure(self, text: str) -> None:
        """The worker could not run a cycle: the settings are unusable, or a bug."""
        self._set(replace(self.state, syncing=False, failure=text))

    def show_set_up(self, set_up: bool) -> None:
        """The worker read the settings: forget an old failure, and recount."""
        if not set_up:
            self.state = replace(self.state, online=None, failure="", message="")
        self.refresh()

    def refresh(self) -> None:
        """Recount off the GUI thread (while someone is signed in)."""
        actor = self.ctx.actor
        if actor is None:
            return
        home, db = self.ctx.home, self.ctx.db
        self.ctx.run(lambda: read_snapshot(home, db, actor), self._on_read_done,
                     self._on_read_failed)

    # --- Showing -----------------------------------------------------------------------------

    def _on_read_done(self, snapshot: SyncSnapshot) -> None:
        self._set(replace(self.state, snapshot=snapshot))

    def _on_read_failed(self, exc: BaseException) -> None:
        # A background count must not fill the notice bar; the Sync panel reports properly.
        log.warning("counting sync work failed: %s", exc)

    def manages_sync(self) -> bool:
        """Whether the person signed in may open the Sync panel (and be pointed at it)."""
        return self.ctx.may(Permission.MANAGE_SYNC)

    def _set(self, state: IndicatorState) -> None:
        self.state = state
        text, level = indicator_words(state, self.ctx.shop.timezone, self.ctx.db.clock.now())
        set_style_property(self, "level", level)
        if self.manages_sync():
            self.setText(f"{text}  ({SYNC_KEY})")
            said = state.failure or state.message or background_words(state.snapshot)
            self.setToolTip(f"{said}\nClick or press {SYNC_KEY} for the Sync panel.")
        else:
            # Neither the panel's key nor a failure's "set it up in Settings" is theirs to use.
            self.setText(text)
            self.setToolTip(f"{state.message or background_words(state.snapshot)}"
                            f"\nAsk {who_may(Permission.MANAGE_SYNC)} about sync.")
        self.setVisible(self.ctx.actor is not None)
