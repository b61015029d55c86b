"""Retention follow-ups raised by the rules, worked as a list, cleared with a note, CRM told."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sync.crm.mapping import to_crm
from sync.outbox_reader import read_after
from tests.conftest import TODAY, actor, stand_on
from tests.unit.services.helpers import rows, sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import Role
from warranty_desk.rules.claim_states import Outcome
from warranty_desk.services import claims, decisions, retention, shop_settings
from warranty_desk.storage.database import Database

SALES, SUPPORT, MANAGER = actor(Role.SALES), actor(Role.SUPPORT, "Sue"), actor(Role.MANAGER)
STORE = actor(Role.STOREKEEPER)


def _claim(db: Database, serial: str, invoice: str) -> str:
    code = sell(db, invoice, serials=(serial,)).warranty_codes[0]
    return claims.start_claim(db, SALES, claims.StartClaim(code, "Screen flickers")).number


def _crm_notes(db: Database) -> list[tuple[bool | None, str]]:
    found = []
    for event in read_after(db, 0, 10_000):
        if event.topic == "customer.updated":
            record = to_crm(event)
            assert record is not None
            found.append((record.customer.retention_follow_up, record.note))
    return found


def test_a_rejected_claim_raises_one_follow_up_flags_the_customer_and_tells_the_crm(
    shop: Database,
) -> None:
    number = _claim(shop, "SN-LAP-0001", "INV-1001")
    decisions.decide(shop, MANAGER, number, decisions.Decision(Outcome.REJECT, "Liquid damage"))
    assert retention.raise_due(shop, SUPPORT) == 1
    assert retention.raise_due(shop, SUPPORT) == 0  # once per rule and claim
    [call] = retention.follow_ups(shop, SUPPORT)
    assert (call.rule, call.claim_number, call.customer_name) == ("rejected", number,
                                                                  "Ada Lovelace")
    assert call.reason == f"Claim {number} was rejected on {TODAY.isoformat()}"
    assert rows(shop, "SELECT retention_follow_up FROM customers") == [(1,)]
    assert _crm_notes(shop) == [(True, f"Retention follow-up requested: {call.reason}")]
    assert [a for (a,) in rows(shop, "SELECT action FROM audit_entries WHERE action LIKE "
                                     "'%retention%' ORDER BY seq")] == [
        "retention.raise", "customer.retention"]


def test_clearing_needs_a_note_and_unflags_the_customer_only_with_their_last_follow_up(
    shop: Database,
) -> None:
    first = _claim(shop, "SN-LAP-0001", "INV-1001")
    decisions.decide(shop, MANAGER, first, decisions.Decision(Outcome.REJECT, "Liquid damage"))
    stand_on(shop, TODAY + timedelta(days=1))
    _claim(shop, "SN-LAP-0002", "INV-1002")  # the second claim in twelve months
    assert retention.raise_due(shop, SUPPORT) == 2
    by_rule = {c.rule: c for c in retention.follow_ups(shop, SUPPORT)}
    assert set(by_rule) == {"repeat_claims", "rejected"}
    calls = [by_rule["repeat_claims"], by_rule["rejected"]]
    with pytest.raises(BadInput, match="what was done"):
        retention.clear(shop, SUPPORT, calls[0].id, " ok ")
    with pytest.raises(PermissionDenied):
        retention.clear(shop, STORE, calls[0].id, "Called her")
    done = retention.clear(shop, SUPPORT, calls[0].id, "Called: happy with the repair plan")
    assert done.cleared_by == "Sue" and done.cleared_at is not None
    assert rows(shop, "SELECT retention_follow_up FROM customers") == [(1,)]  # one still open
    with pytest.raises(RuleBlocked, match="cleared already by Sue"):
        retention.clear(shop, SUPPORT, calls[0].id, "Again")
    retention.clear(shop, SUPPORT, calls[1].id, "Explained the liquid damage; offered Care+")
    assert retention.follow_ups(shop, SUPPORT) == ()
    assert [c.note for c in retention.follow_ups(shop, SUPPORT, cleared=True)] == [
        "Explained the liquid damage; offered Care+", "Called: happy with the repair plan"]
    assert rows(shop, "SELECT retention_follow_up FROM customers") == [(0,)]
    assert _crm_notes(shop)[-1] == (
        False, "Retention follow-up cleared: Explained the liquid damage; offered Care+")
    details = json.loads(str(rows(shop, "SELECT details FROM audit_entries WHERE action = "
                                        "'retention.clear' ORDER BY seq")[0][0]))
    assert details["note"] == "Called: happy with the repair plan"


def test_a_claim_open_longer_than_the_shops_setting_raises_a_call(shop: Database) -> None:
    number = _claim(shop, "SN-LAP-0001", "INV-1001")
    stand_on(shop, TODAY + timedelta(days=30))
    assert retention.raise_due(shop, SUPPORT) == 0  # 30 days: not over the default 30
    shop_settings.update_shop(shop, actor(Role.OWNER), _shop_update(shop, 20))
    assert retention.raise_due(shop, SUPPORT) == 1
    [call] = retention.follow_ups(shop, SUPPORT)
    assert (call.rule, call.claim_number) == ("long_open", number)
    assert call.reason == f"Claim {number} has been open 30 days (more than 20)"
    with pytest.raises(BadInput, match="1 to 365 days open, not 0"):
        shop_settings.update_shop(shop, actor(Role.OWNER), _shop_update(shop, 0))
    # The setting is the till's own: head office's shop.updated does not carry it.
    assert "follow_up_open_days" not in "".join(
        str(p) for (p,) in rows(shop, "SELECT payload FROM outbox_events WHERE topic = "
                                      "'shop.updated'"))


def _shop_update(db: Database, days: int) -> shop_settings.ShopUpdate:
    v = shop_settings.get_shop(db)
    return shop_settings.ShopUpdate(v.name, v.branch_name, v.address, v.phone, v.email,
                                    v.currency, v.locale, v.timezone, v.portal_url_template,
                                    follow_up_open_days=days)
