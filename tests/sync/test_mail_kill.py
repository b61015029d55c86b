"""A till killed (SIGKILL) while a message is with the mail server never emails it twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import select

from sync.engine import SyncEngine
from sync.mail import MailDestination
from tests.conftest import actor
from tests.sync.mail_box import smtp_server
from tests.unit.services.helpers import sell
from warranty_desk.models import CustomerMessage
from warranty_desk.permissions import Role
from warranty_desk.services import claims, message_delivery
from warranty_desk.storage.database import Database

# The mail sender as a sync cycle runs it, in a process of its own.
WORKER = """
import sys
from pathlib import Path
from sync.engine import SyncEngine
from sync.mail import MailDestination, MailServer
from warranty_desk.clock import SystemClock
from warranty_desk.storage.database import Database

db = Database(Path(sys.argv[1]), clock=SystemClock())
server = MailServer("127.0.0.1", int(sys.argv[2]), "none", "", lambda: "",
                    "repairs@shop.example", timeout=120.0)
SyncEngine(db, [MailDestination(db, server)]).push_once()
"""


def _states(db: Database) -> dict[str, str]:
    with db.read() as session:
        return {m.id.hex: m.state for m in session.scalars(select(CustomerMessage))}


def _wait(check: object, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if callable(check) and check():
            return True
        time.sleep(0.02)
    return False


def test_a_kill_mid_send_never_sends_a_message_twice(shop: Database) -> None:
    codes = sell(shop, serials=("SN-A", "SN-B", "SN-C")).warranty_codes
    for code in codes:
        claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "Dead"))
    ids = set(_states(shop))
    assert len(ids) == 3
    with smtp_server() as box:
        box.hold = 600.0  # the server keeps each message and holds its answer back
        worker = subprocess.Popen([sys.executable, "-c", WORKER, str(shop.path),
                                   str(box.port)])
        try:
            assert _wait(lambda: box.taken >= 1)
            os.kill(worker.pid, signal.SIGKILL)
        finally:
            worker.kill()
            worker.wait(timeout=10)
        assert worker.returncode == -signal.SIGKILL
        [cut] = [h for h, s in _states(shop).items() if s == "sending"]
        box.hold = 0.0
        report = SyncEngine(shop, [MailDestination(shop, box.server())]).push_once()
        # The one in flight is not sent again by itself: a person is asked; the rest go.
        assert report.parked == 1 and report.delivered == 2
        states = _states(shop)
        assert states.pop(cut) == "interrupted"
        assert set(states.values()) == {"sent"}
        counts = Counter(box.ids())
        assert counts == Counter({f"<{h}@shop.example>": 1 for h in ids})
        # Another cycle sends nothing more.
        SyncEngine(shop, [MailDestination(shop, box.server())]).push_once()
        assert len(box.ids()) == 3
        assert message_delivery.trouble_count(shop) == 1
        # A person who asked the customer may send it again, on purpose, with the same id.
        message_delivery.retry(shop, actor(Role.SALES), cut)
        SyncEngine(shop, [MailDestination(shop, box.server())]).push_once()
    assert Counter(box.ids())[f"<{cut}@shop.example>"] == 2
    assert _states(shop)[cut] == "sent"
