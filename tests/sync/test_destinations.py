"""The registry of receivers: each kind one entry, the portal first, a new kind one more entry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from keyring.backends import fail

from sync import destinations
from sync.contract import Event, Outcome
from sync.destinations import ENTRIES, PORTAL, Entry, NeededSecret, Parts, chosen, wire
from sync.secrets import PORTAL_TOKEN, set_secret
from sync.wording import Voice
from tests.conftest import pinned_clock
from tests.liveportal.branch_view import BranchPortal
from tests.sync.test_secrets import use
from warranty_desk.config import SyncSettings
from warranty_desk.errors import BadInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    yield from use(fail.Keyring())


@dataclass
class Outbox:
    """A stand-in email receiver: what a new entry's build gets, and whether it was closed."""

    address: str
    password: str
    name: str = "email"
    batch_size: int = 10
    closed: list[bool] = field(default_factory=list)

    def wants(self, topic: str) -> bool:
        return topic == "claim.decided"

    def send(self, events: Sequence[Event]) -> list[Outcome]:
        return [Outcome(e.id, "accepted") for e in events]

    def close(self) -> None:
        self.closed.append(True)


EMAIL: Entry[Outbox] = Entry(
    "email", "email", "the email service", lambda s: True,
    (NeededSecret("email_password", "mail server's password", "email-password"),),
    lambda parts: Outbox(parts.settings.portal_url, parts.secret("email_password")),
    lambda box: f"{box.address} answered.")


def test_each_kind_of_receiver_is_one_entry_and_the_settings_choose_among_them() -> None:
    assert [e.name for e in ENTRIES] == ["portal", "webhook", "tryton", "mail", "sms"]
    names = {crm: [e.name for e in chosen(SyncSettings(crm=crm))]
             for crm in ("none", "webhook", "tryton")}
    assert names == {"none": ["portal"], "webhook": ["portal", "webhook"],
                     "tryton": ["portal", "tryton"]}
    assert [e.name for e in chosen(SyncSettings(crm="webhook"), only=())] == []


def test_a_new_kind_of_receiver_is_one_more_entry(
    home: Home, db: Database, portal: BranchPortal, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(destinations, "ENTRIES", (*ENTRIES, EMAIL))
    set_secret(home, PORTAL_TOKEN, portal.token)
    settings = SyncSettings(portal_url=portal.url)
    with pytest.raises(BadInput, match=r"mail server's password.*set-secret email-password"):
        wire(home, settings, pinned_clock())
    set_secret(home, "email_password", "s3cret")
    wiring = wire(home, settings, pinned_clock())
    box = wiring.destinations[1]
    assert wiring.names == ["portal", "email"]
    assert isinstance(box, Outbox) and box.password == "s3cret"
    assert wiring.voices()["email"] == Voice("the email service", False)
    assert wiring.check("email") == f"{portal.url} answered."
    wiring.close()
    assert box.closed == [True]


def test_the_portal_check_reads_the_inbox_with_a_typed_token_before_it_is_stored(
    home: Home, db: Database, portal: BranchPortal,
) -> None:
    settings = SyncSettings(portal_url=portal.url, crm="webhook", crm_url="https://crm.example")
    with pytest.raises(BadInput, match="portal-token"):
        wire(home, settings, pinned_clock(), only=())
    # Only the portal is built: the CRM's missing secret does not stop a portal check.
    wiring = wire(home, settings, pinned_clock(), typed={PORTAL_TOKEN: portal.token}, only=())
    try:
        assert wiring.names == ["portal"]
        assert wiring.check(PORTAL.name).startswith("Head office's portal at 127.0.0.1:")
    finally:
        wiring.close()
    assert [c.path.split("?")[0].rsplit("/", 1)[-1] for c in portal.calls] == ["inbox"]


def test_a_build_that_fails_closes_what_was_built_before_it(
    home: Home, db: Database, portal: BranchPortal, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(parts: Parts) -> Outbox:
        raise ValueError("a slip in the build")

    closed: list[str] = []
    monkeypatch.setattr(destinations, "ENTRIES", (*ENTRIES, replace(EMAIL, secrets=(),
                                                                    build=broken)))
    monkeypatch.setattr(destinations, "close_destinations",
                        lambda dests: closed.extend(d.name for d in dests))
    set_secret(home, PORTAL_TOKEN, portal.token)
    with pytest.raises(ValueError, match="slip"):
        wire(home, SyncSettings(portal_url=portal.url), pinned_clock())
    assert closed == ["portal"]
