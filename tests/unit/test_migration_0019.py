"""Migration 0019: the hand-backs table comes and goes whole, and a hand-back saved after the
upgrade reads back through the services."""

from __future__ import annotations

from tests.conftest import actor
from tests.unit.services.test_hand_back import _claim, _decide, _paper, _rows
from tests.unit.test_migration_0017 import _to
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import hand_back as hb
from warranty_desk.storage.database import Database
from warranty_desk.storage.schema import HEAD


def test_hand_backs_go_with_a_downgrade_and_work_after_the_upgrade(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0001", "INV-1")
    _decide(shop, number, Outcome.REPAIR)
    _to(shop, "0018", down=True)
    assert _rows(shop, "SELECT name FROM sqlite_master WHERE name = 'hand_backs'") == []
    shop.dispose()
    _to(shop, HEAD)  # the services read every later column too
    done = hb.hand_back(shop, actor(Role.SALES), _paper(number, "SN-LAP-0001"))
    assert hb.record(shop, actor(Role.SALES), number) == done
