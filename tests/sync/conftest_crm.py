"""CRM test helpers: plain events, the core's real outbox rows as events, a Tryton server."""

from __future__ import annotations

import itertools
import json
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sync.contract import Event
from sync.crm.jsonrpc import TrytonRpc
from sync.crm.tryton import TrytonConnector
from sync.outbox_reader import read_after
from tests.sync.tryton_server import TrytonServer, running_tryton
from warranty_desk.storage.database import Database

AT = datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
_seq = itertools.count(1)
# Ofcom's numbers for drama (never a real phone) that phonenumbers takes as valid, which
# Tryton's party module insists on when phonenumbers is installed beside it.
_FICTIONAL_UK = ("20 7946 0", "113 496 0", "114 496 0", "116 496 0", "117 496 0", "118 496 0",
                 "121 496 0", "131 496 0", "141 496 0", "151 496 0", "161 496 0", "191 498 0")


def fictional_phone() -> str:
    """A valid UK number in E.164 that reaches nobody, different on each call (almost surely)."""
    rng = secrets.SystemRandom()
    return "+44" + (rng.choice(_FICTIONAL_UK) + f"{rng.randrange(1000):03d}").replace(" ", "")


def event(topic: str, payload: dict[str, Any], *, aggregate_id: str = "",
          at: datetime = AT) -> Event:
    """An outbox event as the engine hands it to a destination, with a fresh id."""
    aggregate = topic.split(".", 1)[0]
    return Event(next(_seq), str(uuid.uuid4()), topic, aggregate,
                 aggregate_id or str(payload.get("reference") or payload.get("number") or ""),
                 at, payload)


def customer_created(reference: str, name: str = "Ada Lovelace", *, email: str = "",
                     phone: str = "", segment: str = "retail") -> Event:
    """customer.created exactly as sale_rows.apply_plan writes it."""
    return event("customer.created", {"reference": reference, "name": name, "phone": phone,
                                      "email": email, "segment": segment})


def claim_decided(number: str, customer: str | None, *, outcome: str = "repair",
                  reason: str = "Replaced the display connector", **extra: Any) -> Event:
    """claim.decided as decisions.decide writes it, plus the customer reference the CRM needs."""
    state = "rejected" if outcome == "reject" else "resolved"
    return event("claim.decided", {
        "number": number, "state": state, "outcome": outcome, "channel": "counter",
        "claim_type": "fault", "fault": "Screen flickers", "serial": "SN-LAP-0001",
        "opened_at": "2026-11-20T09:00:00+00:00", "reason": reason, "customer": customer,
        **extra})


def outbox_events(db: Database) -> list[Event]:
    """Every outbox row the core wrote, in order, read the way the sync engine reads them."""
    return read_after(db, 0, 100_000)


@pytest.fixture(scope="session", name="tryton")
def tryton_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TrytonServer]:
    """A real trytond with the party module on loopback, shared by the whole run."""
    folder: Path = tmp_path_factory.mktemp("tryton")
    with running_tryton(folder) as server:
        yield server


@pytest.fixture(name="crm")
def crm_fixture(tryton: TrytonServer) -> Iterator[TrytonConnector]:
    """The Tryton connector on the session's server."""
    connector = TrytonConnector(tryton.url, tryton.database, tryton.user, tryton.password)
    yield connector
    connector.close()


@pytest.fixture(name="rpc")
def rpc_fixture(tryton: TrytonServer) -> Iterator[TrytonRpc]:
    """A separate session to look at what the connector wrote."""
    client = TrytonRpc(tryton.url, tryton.database, tryton.user, tryton.password)
    yield client
    client.close()


def renamed(e: Event, old: str, new: str) -> Event:
    """The event with reference `old` written `new` (test databases all start at the same
    reference, the Tryton server is shared by the whole run)."""
    payload = json.loads(json.dumps(e.payload).replace(old, new))
    return Event(e.seq, e.id, e.topic, e.aggregate, e.aggregate_id.replace(old, new),
                 e.occurred_at, payload)
