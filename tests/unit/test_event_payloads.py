"""Every event payload the till writes meets its topic's schema in the sync contract.

The service tests check each payload they make as they make it (tests/unit/services/conftest.py);
here the demo shop, a bulk shop and a restore are driven through the real services and every
outbox row is checked, and every topic the till's code can write must have a schema.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.conftest import actor, sqlite_file
from tests.unit.payload_contract import Watch, problems, topics
from warranty_desk.demo.bulk import generate
from warranty_desk.demo.story import build_demo_shop
from warranty_desk.permissions import Role
from warranty_desk.services import epochs, outbox, staff
from warranty_desk.storage.database import Database

PACKAGE = Path(__file__).resolve().parents[2] / "warranty_desk"


def _written_topics() -> set[str]:
    """Topic literals the till's code passes to outbox.emit / outbox.bulk_row, or names so."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("emit",
                                                                                 "bulk_row"):
                found |= {a.value for a in node.args if isinstance(a, ast.Constant)
                          and isinstance(a.value, str) and "." in a.value
                          and a.value.replace(".", "").replace("_", "").isalpha()}
            if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name)
                                                     and t.id.endswith("TOPIC")
                                                     for t in node.targets)
                    and isinstance(node.value, ast.Constant)):
                found.add(str(node.value.value))
    return found


def _outbox(db: Database) -> list[tuple[str, str]]:
    with sqlite_file(db.path) as conn:
        return conn.execute("SELECT topic, payload FROM outbox_events ORDER BY seq").fetchall()


@pytest.fixture(autouse=True)
def cheap_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real hasher costs a tenth of a second a PIN; the demo hashes eight of them."""
    monkeypatch.setattr(staff, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024,
                                                        parallelism=1))


def test_every_topic_the_till_can_write_has_a_payload_schema() -> None:
    written = _written_topics()
    assert {"claim.opened", "warranty.activated", "branch.epoch_started"} <= written
    assert len(written) >= 28
    assert sorted(written - set(topics())) == []


def test_every_payload_of_the_demo_shop_a_bulk_shop_and_a_restore_meets_the_contract(
    db: Database, monkeypatch: pytest.MonkeyPatch,
) -> None:
    watch = Watch()
    monkeypatch.setattr(outbox, "fields", watch.wrap(outbox.fields))
    build_demo_shop(db)
    generate(db, warranties=300, seed=3)
    with db.write() as session:
        epochs.start_after_restore(session, actor(Role.ADMIN), needs_marks=True,
                                   note="Restored after the disk failed")
    assert epochs.apply_marks(db, epochs.HeadOfficeMarks(seq=5)) is not None
    rows = _outbox(db)
    found = [p for topic, text in rows for p in problems(topic, json.loads(text))]
    assert found == []
    assert watch.found == []
    assert watch.checked >= len(rows) > 500
    seen = {topic for topic, _ in rows}
    assert len(seen) >= 15 and "branch.epoch_started" in seen


@pytest.mark.parametrize(("topic", "payload", "said"), [
    ("claim.noted", {"number": "X"}, "names no payload schema"),
    ("warranty.voided", {"code": "BR01-W-2026-000001"}, "'reason' is a required property"),
    ("claim.cost_posted", {"number": "BR01-C-2026-000001", "kind": "parts",
                           "amount_minor": "29.00", "recoverable": True}, "amount_minor"),
    ("warranty.voided", {"code": "BR01-W-2026-000001", "reason": "x", "by": "Sam"},
     "does not name: by"),
    ("warranty.replaced", {"old": "A", "new": "B", "serial": "S", "end": "31/12/2027"},
     "is not a 'date'"),
])
def test_the_check_names_what_breaks_the_contract(topic: str, payload: dict[str, object],
                                                   said: str) -> None:
    assert any(said in p for p in problems(topic, payload)), list(problems(topic, payload))


def test_the_head_office_benchs_histories_meet_the_contract() -> None:
    # The scale bench pushes made-up branch histories; a payload the portal refuses would be
    # counted as lost and the ingest figures would measure refusals, not storing.
    from datetime import date

    from tests.bench.portal_load import history

    rows = history("B001", 200, date(2026, 1, 5))
    found = [p for row in rows for p in problems(row.topic, json.loads(row.payload))]
    assert found == []
    assert {row.topic for row in rows} >= {"customer.created", "warranty.activated",
                                           "claim.opened", "warranty.extended"}
