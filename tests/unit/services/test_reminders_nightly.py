"""The nightly run queues due reminders before it pushes, once per warranty end, even offline."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from datetime import date, timedelta

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import func, select

from sync.runner import run_cycle
from sync.secrets import PORTAL_TOKEN, set_secret
from tests.conftest import actor, stand_on
from tests.unit.services.helpers import ADA
from warranty_desk.config import SyncSettings
from warranty_desk.models import CustomerMessage, Warranty
from warranty_desk.permissions import Role
from warranty_desk.services.activation import record_sale
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

# The offline cycles below are logged as warnings.
pytestmark = pytest.mark.logs(r"^Sync cycle", r"^Inbox pull stopped")


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # the token goes to the home's own 0600 file
    try:
        yield
    finally:
        keyring.set_keyring(before)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reminders(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(CustomerMessage).where(
            CustomerMessage.template == "warranty_reminder")) or 0)


def test_each_nightly_run_queues_what_is_due_and_nothing_twice(home: Home, shop: Database
                                                                ) -> None:
    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-N1", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-N1",)),),
        dataclasses.replace(ADA, reminders_agreed=True))).warranty_codes[0]
    with shop.read() as session:
        end = session.scalars(select(Warranty.end_on).where(Warranty.code == code)).one()
    set_secret(home, PORTAL_TOKEN, "token-for-nobody")
    settings = SyncSettings(portal_url=f"http://127.0.0.1:{_closed_port()}/api/v1")
    seen = []
    for day in (end - timedelta(days=31), end - timedelta(days=30), end - timedelta(days=29)):
        stand_on(shop, day, hour=2)
        report = run_cycle(home, shop, settings, nightly=True, time_limit=0.2)
        assert not report.online  # head office is down: the reminder waits in the outbox
        seen.append(_reminders(shop))
    assert seen == [0, 1, 1]
