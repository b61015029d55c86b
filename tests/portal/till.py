"""A branch till for portal tests: a real shop database whose services fill its outbox."""

from __future__ import annotations

from pathlib import Path

from sync.engine import SyncEngine
from sync.http import HttpClient
from sync.portal import PortalDestination
from sync.runner import CycleReport, run_cycle
from tests.conftest import actor, pinned_clock
from tests.disposal import closed_after_test
from tests.portal.support import LivePortal, RegisteredBranch
from tests.sync.engine_helpers import make_claims
from warranty_desk.config import SyncSettings
from warranty_desk.permissions import Role
from warranty_desk.services import claims, decisions, returns, setup
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


def till(folder: Path, branch: RegisteredBranch, *, claims: int = 0) -> tuple[Home, Database]:
    """A shop on the branch's code, with `claims` claims opened (half of them decided); its
    connections are closed when the test ends."""
    home = Home(folder / f"till-{branch.code}").ensure()
    db, _ = setup.init(home, setup.ShopInput(name=f"Shop {branch.code}", branch_code=branch.code),
                       clock=pinned_clock())
    closed_after_test(db)
    if claims:
        make_claims(db, claims, serial_prefix=branch.code)
    return home, db


def client(live: LivePortal, token: str) -> HttpClient:
    """The till's own HTTP client for the live portal."""
    return HttpClient(live.url, lambda: token, timeout=20.0, connect_timeout=2.0)


def destination(live: LivePortal, branch: RegisteredBranch, *, batch_size: int = 500
                ) -> PortalDestination:
    """The till's portal destination for the live portal."""
    return PortalDestination(client(live, branch.token), branch.code, batch_size=batch_size)


def push_all(db: Database, live: LivePortal, branch: RegisteredBranch, *,
             batch_size: int = 500) -> int:
    """Drain the till's outbox into the portal with the real SyncEngine; how many were sent."""
    engine = SyncEngine(db, [destination(live, branch, batch_size=batch_size)],
                        backoff_base=0.01, backoff_cap=0.05)
    report = engine.drain()
    assert not report.errors and report.pending == 0 and report.parked == 0, report
    return report.delivered


def sync_cycle(home: Home, db: Database, live: LivePortal, *, nightly: bool = False
               ) -> CycleReport:
    """One real sync cycle of the till against the live portal; it must complete."""
    report = run_cycle(home, db, SyncSettings(portal_url=live.url), nightly=nightly)
    assert report.complete and report.nightly == nightly, report.message
    return report


def in_returns_stock(db: Database, codes: list[str], fault: str) -> list[str]:
    """A claim on each warranty, a recoverable part posted, the unit received in returns stock
    (ready for a brand claim); the claims' numbers."""
    sales, tech, store = actor(Role.SALES), actor(Role.TECHNICIAN), actor(Role.STOREKEEPER)
    numbers = []
    for code in codes:
        number = claims.start_claim(db, sales, claims.StartClaim(code, fault)).number
        decisions.post_cost(db, tech, number, decisions.CostLine("parts", 1_250, "", True))
        returns.receive(db, store, number)
        numbers.append(number)
    return numbers
