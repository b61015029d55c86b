"""The receivers a till sends to: one entry each, built from the [sync] settings and its secrets.

An entry says what a receiver is called, when the settings choose it, which secrets it needs,
how to build it and how to check it without changing anything. The portal always comes first
(it also serves the inbox, documents and the nightly report); a CRM follows when one is set.
The till's own mail server (when the shop emails its customers itself rather than through
head office) is one more entry, and its SMS gateway (when one is set) one more after it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from sync.contract import Destination
from sync.crm.tryton import TrytonConnector
from sync.crm.webhook import WebhookConnector
from sync.http import HttpClient
from sync.inbox import PortalInbox
from sync.mail import TOPIC as MESSAGE_TOPIC
from sync.mail import MailDestination, MailServer
from sync.portal import PortalDestination
from sync.secrets import (
    PORTAL_TOKEN,
    SMS_TOKEN,
    SMTP_PASSWORD,
    TRYTON_PASSWORD,
    WEBHOOK_SECRET,
    get_secret,
)
from sync.sms import SmsDestination
from sync.wording import Voice
from warranty_desk.clock import Clock
from warranty_desk.config import SyncSettings, sync_problems
from warranty_desk.errors import BadInput
from warranty_desk.redaction import remember
from warranty_desk.sentences import sentences
from warranty_desk.services import numbers
from warranty_desk.sms_gateway import HttpJsonSms
from warranty_desk.sms_settings import sms_on
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

# Where a person fixes the sync settings, said in every configuration error.
WHERE = "with `warranty-desk config …` or under Settings > Sync"

D = TypeVar("D", bound=Destination)


@dataclass(frozen=True, slots=True)
class NeededSecret:
    """A secret a receiver cannot work without, and how a person stores it."""

    key: str  # its name in the secret store (sync.secrets)
    words: str  # what it is, as "Sync needs the …" says it
    flag: str  # `warranty-desk config set-secret FLAG`


@dataclass(frozen=True, slots=True)
class Parts:
    """What an entry builds its receiver from."""

    settings: SyncSettings
    secret: Callable[[str], str]  # a secret's text by name, read when asked ("" when none)
    branch: str
    clock: Clock
    home: Home | None = None  # the till's home: its database and documents (the mail sender's)


@dataclass(frozen=True, slots=True)
class Entry(Generic[D]):
    """One kind of receiver: its names, when it is chosen, its secrets, its build and check."""

    name: str  # "portal", or the [sync] crm setting that picks it ("webhook", "tryton")
    cursor: str  # the built destination's name: its cursor in sync_cursors
    who: str  # how a line names it: "the portal", "the CRM"
    chosen: Callable[[SyncSettings], bool]
    secrets: tuple[NeededSecret, ...]
    build: Callable[[Parts], D]
    # One harmless call that proves the settings work, in plain words; None where the receiver
    # offers none (a webhook cannot be called without handing it a record).
    check: Callable[[D], str] | None = None
    # The connector words every reason with the receiver's name already (the portal's client
    # does); other receivers' reasons get `who` in front of them in a cycle's lines.
    says_who: bool = False
    # What its parked records are called when the till, not the receiver, may have held them
    # back; "" means they were refused by the receiver (see sync.wording.Voice).
    parked: str = ""

    @property
    def voice(self) -> Voice:
        """How a cycle's lines name this receiver."""
        return Voice(self.who, self.says_who, self.parked)


def _portal(parts: Parts) -> PortalDestination:
    # Read for every request: a token changed in Settings applies to the next one.
    client = HttpClient(parts.settings.portal_url, lambda: parts.secret(PORTAL_TOKEN),
                        who="the portal", ca_bundle=parts.settings.ca_bundle or None)
    if parts.settings.messages == "smtp":
        # The till emails its customers itself: head office never gets the messages, so it
        # can never email them too (one channel per message).
        return _PortalWithoutMessages(client, parts.branch)
    return PortalDestination(client, parts.branch)


class _PortalWithoutMessages(PortalDestination):
    """The portal of a shop that emails its own customers: every topic but the messages."""

    def wants(self, topic: str) -> bool:
        return topic != MESSAGE_TOPIC and super().wants(topic)


def _check_portal(portal: PortalDestination) -> str:
    # One inbox item read: nothing is applied or acknowledged.
    PortalInbox(portal.client, portal.branch).page("", 1)
    host = urlsplit(portal.client.base_url).netloc
    return (f"Head office's portal at {host} answered for branch {portal.branch}: the address, "
            "token and branch code work.")


def _webhook(parts: Parts) -> WebhookConnector:
    return WebhookConnector(parts.settings.crm_url, parts.secret(WEBHOOK_SECRET),
                            clock=parts.clock, ca_bundle=parts.settings.ca_bundle or None)


def _tryton(parts: Parts) -> TrytonConnector:
    sync = parts.settings
    return TrytonConnector(sync.crm_url, sync.tryton_database, sync.tryton_user,
                           parts.secret(TRYTON_PASSWORD), ca_bundle=sync.ca_bundle or None)


class _OwnDatabase:
    """A sender with its own connection to the till's database, closed with the cycle."""

    db: Database

    def close(self) -> None:
        self.db.dispose()


class _OwnMail(_OwnDatabase, MailDestination):
    """The mail sender on its own connection."""


def _mail(parts: Parts) -> MailDestination:
    sync = parts.settings
    if parts.home is None:
        raise BadInput("The till's own mail sender needs the shop's folder.")
    if sync.smtp_user and not parts.secret(SMTP_PASSWORD):
        raise _missing_secret(NeededSecret(SMTP_PASSWORD, "mail server's password",
                                           "smtp-password"))
    documents = DocumentStore(parts.home.documents)
    server = MailServer(sync.smtp_host.strip(), sync.smtp_port, sync.smtp_tls, sync.smtp_user,
                        lambda: parts.secret(SMTP_PASSWORD), sync.mail_from.strip(),
                        ca_bundle=sync.ca_bundle)
    return _OwnMail(Database(parts.home.database, clock=parts.clock), server,
                    lambda sha: documents.open(sha) if documents.exists(sha) else None,
                    sms_on=sms_on(sync))


class _OwnSms(_OwnDatabase, SmsDestination):
    """The SMS sender on its own connection."""


def _sms(parts: Parts) -> SmsDestination:
    sync = parts.settings
    if parts.home is None:
        raise BadInput("The till's own SMS sender needs the shop's folder.")
    gateway = HttpJsonSms(sync.sms_url.strip(), lambda: parts.secret(SMS_TOKEN),
                          sync.sms_sender.strip(), ca_bundle=sync.ca_bundle)
    return _OwnSms(Database(parts.home.database, clock=parts.clock), gateway)


PORTAL: Entry[PortalDestination] = Entry(
    "portal", "portal", "the portal", lambda s: True,
    (NeededSecret(PORTAL_TOKEN, "portal's sync token", "portal-token"),),
    _portal, _check_portal, says_who=True)
WEBHOOK: Entry[WebhookConnector] = Entry(
    "webhook", "crm", "the CRM", lambda s: s.crm == "webhook",
    (NeededSecret(WEBHOOK_SECRET, "webhook's shared secret", "webhook-secret"),), _webhook)
TRYTON: Entry[TrytonConnector] = Entry(
    "tryton", "crm", "the CRM", lambda s: s.crm == "tryton",
    (NeededSecret(TRYTON_PASSWORD, "Tryton user's password", "tryton-password"),), _tryton)

MAIL: Entry[MailDestination] = Entry(
    "mail", "mail", "the mail server", lambda s: s.messages == "smtp", (), _mail,
    lambda mail: mail.check(), says_who=True, parked="customer email")

SMS: Entry[SmsDestination] = Entry(
    "sms", "sms", "the SMS gateway", sms_on,
    (NeededSecret(SMS_TOKEN, "SMS gateway's token", "sms-token"),), _sms,
    says_who=True, parked="customer text")

# In the order a cycle pushes to them: the portal first.
ENTRIES: tuple[Entry[Any], ...] = (PORTAL, WEBHOOK, TRYTON, MAIL, SMS)


@dataclass(frozen=True, slots=True)
class Wiring:
    """The receivers built for one cycle or one check; close it when done."""

    branch: str
    portal: PortalDestination
    built: tuple[tuple[Entry[Any], Destination], ...]  # the portal first

    @property
    def destinations(self) -> list[Destination]:
        """Every receiver, the portal first, as the engine pushes to them."""
        return [dest for _, dest in self.built]

    @property
    def names(self) -> list[str]:
        """The receivers' cursor names, in push order."""
        return [dest.name for _, dest in self.built]

    def voices(self) -> dict[str, Voice]:
        """How a cycle's lines name each receiver, by its cursor name."""
        return {dest.name: entry.voice for entry, dest in self.built}

    def check(self, name: str) -> str:
        """Run the named receiver's harmless check; its plain result, or its error raised."""
        for entry, dest in self.built:
            if entry.name == name and entry.check is not None:
                return str(entry.check(dest))
        raise ValueError(f"{name!r} has no check")

    def close(self) -> None:
        """Drop every receiver's pooled connections."""
        close_destinations(self.destinations)


def _missing_secret(need: NeededSecret) -> BadInput:
    return BadInput(f"Sync needs the {need.words}, and none is stored. Store it with "
                    f"`warranty-desk config set-secret {need.flag}` (it is read from the "
                    "keyboard, never from the command line) or under Settings > Sync.")


def _shop_branch(home: Home, clock: Clock) -> str:
    if not home.database.exists():
        raise BadInput(f"There is no shop database in {home.root}. Run `warranty-desk --home "
                       f"{home.root} init` first.")
    db = Database(home.database, clock=clock)
    try:
        with db.read() as session:
            return numbers.branch_code(session)
    finally:
        db.dispose()


def _reader(home: Home, typed: Mapping[str, str]) -> Callable[[str], str]:
    # A typed secret is a secret before it is stored: a test connection's answer may echo it.
    for value in typed.values():
        remember(value)

    def secret(name: str) -> str:
        # A secret typed in a form (not yet stored) wins over the stored one.
        value = typed.get(name, "").strip() or get_secret(home, name)
        return str(value) if value else ""

    return secret


def _check_secrets(entries: Iterable[Entry[Any]], secret: Callable[[str], str]) -> None:
    for entry in entries:
        for need in entry.secrets:
            if not secret(need.key):
                raise _missing_secret(need)


def _build(entries: Iterable[Entry[Any]], parts: Parts) -> list[tuple[Entry[Any], Destination]]:
    """Each entry's receiver; the ones built are closed again when one fails."""
    built: list[tuple[Entry[Any], Destination]] = []
    try:
        for entry in entries:
            built.append((entry, entry.build(parts)))
    except BaseException:
        close_destinations(dest for _, dest in built)
        raise
    return built


def chosen(settings: SyncSettings, only: Collection[str] | None = None) -> list[Entry[Any]]:
    """The entries these settings send to (of `only`, when given), the portal first."""
    return [entry for entry in ENTRIES
            if entry.chosen(settings) and (only is None or entry.name in only)]


def wire(
    home: Home, settings: SyncSettings, clock: Clock, *, branch: str = "",
    typed: Mapping[str, str] | None = None, only: Collection[str] | None = None,
) -> Wiring:
    """Build the receivers the settings choose; BadInput naming what to set and where.

    The branch is the [sync] branch, else `branch`, else the shop's own code from the home's
    database. `typed` holds secrets typed in a form and not stored yet; `only` limits the
    receivers to those entry names (the portal is always built).
    """
    found = sync_problems(settings)
    if found:
        raise BadInput(sentences("The sync settings cannot be used: " + "; ".join(found),
                                 f"Fix them {WHERE}."))
    if not settings.portal_url:
        raise BadInput("Sync has no portal address. Set it with `warranty-desk config set "
                       "sync.portal_url https://portal.example.com/api/v1` or under "
                       "Settings > Sync.")
    entries = chosen(settings, None if only is None else {PORTAL.name, *only})
    secret = _reader(home, typed or {})
    _check_secrets(entries, secret)
    parts = Parts(settings, secret, settings.branch or branch or _shop_branch(home, clock),
                  clock, home)
    built = _build(entries, parts)
    portal = built[0][1]
    assert isinstance(portal, PortalDestination)  # PORTAL is chosen always, and first
    return Wiring(parts.branch, portal, tuple(built))


def destinations(home: Home, settings: SyncSettings, *, clock: Clock) -> list[Destination]:
    """The portal first, then the CRM if one is set; BadInput naming what to set and where.

    The branch is the [sync] branch, else the shop's own code from the home's database.
    Close them with `close_destinations` when done.
    """
    return wire(home, settings, clock).destinations


def close_destinations(dests: Iterable[Destination]) -> None:
    """Drop the pooled connections of destinations made by `destinations`."""
    for dest in dests:
        client = getattr(dest, "client", None)
        closer = getattr(client if client is not None else dest, "close", None)
        if callable(closer):
            closer()


def build_mail(home: Home, settings: SyncSettings, clock: Clock) -> MailDestination:
    """The till's own mail sender alone, for a shop without head office; close it when done."""
    mail = build_own_senders(home, settings, clock)[0][1]
    assert isinstance(mail, MailDestination)
    return mail


def build_own_senders(home: Home, settings: SyncSettings, clock: Clock
                      ) -> list[tuple[Entry[Any], Destination]]:
    """The till's own senders (mail, then SMS when a gateway is set), for a shop without head
    office; BadInput naming what to set and where. Close them when done."""
    found = sync_problems(settings)
    if found:
        raise BadInput(sentences("The sync settings cannot be used: " + "; ".join(found),
                                 f"Fix them {WHERE}."))
    secret = _reader(home, {})
    entries = _own_entries(settings)
    _check_secrets(entries, secret)
    parts = Parts(settings, secret, settings.branch, clock, home)
    built = _build(entries, parts)
    return built


def _own_entries(settings: SyncSettings) -> list[Entry[Any]]:
    return [entry for entry in (MAIL, SMS) if entry.chosen(settings)]


def own_sender_names(settings: SyncSettings) -> list[str]:
    """The cursor names of the till's own senders these settings choose (mail, then SMS)."""
    return [entry.cursor for entry in _own_entries(settings)]
