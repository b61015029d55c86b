"""Extension plans go by code between head office and the till: the contract's OnlineOrder and
events name a plan by its code, the portal queues no display name, and the till sells the plan
with that code (or keeps the order as a problem naming the codes it sells)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from portal.branches.models import Branch
from portal.errors import PortalInputError
from portal.inbox.services import queue_item
from sync.inbox import PortalInbox, pull_once
from tests.conftest import actor, sqlite_file
from tests.portal.support import LivePortal, RegisteredBranch
from tests.portal.till import client, till
from tests.unit.services.helpers import sell
from warranty_desk.clock import FixedClock
from warranty_desk.errors import BadInput
from warranty_desk.models import ExtensionPlan, OutboxEvent, WarrantyLayer
from warranty_desk.permissions import Role
from warranty_desk.services import activation, catalogue, setup, shop_settings
from warranty_desk.services.extension_plans import code_from_name
from warranty_desk.storage import migrate
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

OWNER = actor(Role.OWNER)


def _order(code: str, plan: str) -> dict[str, object]:
    return {"order_number": f"WEB-{plan[:4]}", "sold_on": "2026-11-20",
            "customer": {"name": "Ada Lovelace", "phone": "+44 20 7946 0958"},
            "lines": [{"sku": "PHN-200", "quantity": 1, "unit_price_minor": 49_900,
                       "serials": [f"SN-{plan[:4]}"], "extension_plan": plan}]}


def _plans(db: Database) -> dict[str, str]:
    with db.read() as session:
        return {p.name: p.code for p in session.scalars(select(ExtensionPlan))}


def test_a_plan_gets_a_code_from_its_name_or_its_own_and_codes_are_unique(
    shop: Database,
) -> None:
    assert _plans(shop) == {"Care+ 24": "CAREPLUS-24", "Care 12": "CARE-12"}
    assert code_from_name("care 12", {"CARE-12"}) == "CARE-12-2"
    assert code_from_name("+") == "PLUS" and code_from_name("?") == "PLAN"
    catalogue.add_extension_plan(shop, OWNER, catalogue.ExtensionPlanInput(
        name="Care 12 (old price)", months=12, price_minor=3_900, code="care-12-old"))
    assert _plans(shop)["Care 12 (old price)"] == "CARE-12-OLD"
    for code, said in (("CARE-12", "already has the code CARE-12"),
                       ("Care 12", "is not a plan code")):
        with pytest.raises(BadInput, match=said):
            catalogue.add_extension_plan(shop, OWNER, catalogue.ExtensionPlanInput(
                name=f"Other {code}", months=6, price_minor=100, code=code))


def test_the_portal_queues_a_plan_only_by_its_code(branch: RegisteredBranch) -> None:
    row = Branch.objects.get(pk=branch.pk)
    with pytest.raises(PortalInputError, match="extension_plan: 'Care 12' does not match"):
        queue_item(row, "online_order", _order("", "Care 12"))
    queue_item(row, "online_order", _order("", "CARE-12"))


def test_the_till_sells_the_plan_an_online_order_names_by_code(
    live_portal: LivePortal, branch: RegisteredBranch, tmp_path: Path,
) -> None:
    home, db = till(tmp_path, branch)
    _stock(db)
    row = Branch.objects.get(pk=branch.pk)
    queue_item(row, "online_order", _order("", "CARE-12"), item_id="order-1")
    queue_item(row, "online_order", _order("", "GOLD-36"), item_id="order-2")
    report = pull_once(db, PortalInbox(client(live_portal, branch.token), branch.code),
                       documents=DocumentStore(home.documents))
    assert report.applied == 1 and len(report.problems) == 1, report
    assert "no extension plan has the code 'GOLD-36' here; plans on sale: CARE-12 (Care 12)" in (
        report.problems[0])
    with db.read() as session:
        kinds = list(session.scalars(select(WarrantyLayer.kind)))
    assert "extension" in kinds


def _stock(db: Database) -> None:
    catalogue.add_policy(db, OWNER, catalogue.PolicyInput(
        name="Phones", manufacturer_months=12, shop_months=12))
    catalogue.add_products(db, OWNER, [catalogue.ProductInput(
        sku="PHN-200", name="Phone", brand="Lumen", category="phones", policy="Phones")])
    catalogue.add_extension_plan(db, OWNER, catalogue.ExtensionPlanInput(
        name="Care 12", months=12, price_minor=4_900, categories=("phones",)))


def test_a_plan_added_or_withdrawn_tells_head_office_the_plans_code(
    shop: Database,
) -> None:
    with shop.read() as session:
        plan_id = session.scalars(select(ExtensionPlan.id).where(
            ExtensionPlan.code == "CARE-12")).one()
    shop_settings.set_plan_active(shop, OWNER, plan_id, False)
    with shop.read() as session:
        payloads = [json.loads(p) for p in session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.topic == "catalogue.plan_updated").order_by(OutboxEvent.seq))]
    # Added (so head office learns the code its orders go by), then withdrawn.
    # Each carries the plan's terms too: the customer portal offers it by the counter's rule.
    terms = {"name": "Care 12", "code": "CARE-12", "months": 12, "price_minor": 4_900,
             "currency": "EUR", "categories": ["laptops", "phones"],
             "min_price_minor": 10_000, "max_price_minor": 100_000, "max_days_since_sale": 60}
    assert payloads[1] == {**terms, "active": True}
    assert payloads[-1] == {**terms, "active": False}


def test_migration_0013_gives_the_plans_already_there_codes(home: Home,
                                                          clock: FixedClock) -> None:
    db = setup.open_database(home, clock)
    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0012")
    with sqlite_file(db.path) as conn:
        for name in ("Care+ 24", "Care 12", "care-12", "?"):
            conn.execute("INSERT INTO extension_plans (id, name, months, price_minor, "
                         "categories, min_price_minor, max_price_minor, max_days_since_sale, "
                         "active) VALUES (?, ?, 12, 100, '[]', 0, NULL, 30, 1)",
                         (uuid.uuid4().bytes, name))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0013")
    with sqlite_file(db.path) as conn:
        codes = dict(conn.execute("SELECT name, code FROM extension_plans").fetchall())
    assert codes == {"Care+ 24": "CAREPLUS-24", "Care 12": "CARE-12", "care-12": "CARE-12-2",
                     "?": "PLAN"}
    db.dispose()


def test_an_extension_sold_later_tells_head_office_the_plans_code(shop: Database) -> None:
    code = sell(shop).warranty_codes[0]
    activation.sell_extension(shop, actor(Role.SALES), code, "Care 12")
    with shop.read() as session:
        payload = json.loads(session.scalars(select(OutboxEvent.payload).where(
            OutboxEvent.topic == "warranty.extended")).one())
    assert (payload["plan"], payload["plan_code"]) == ("Care 12", "CARE-12")
