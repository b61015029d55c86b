"""Shop settings: shop details, the fixed branch code, policies, plans and the products CSV."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import actor
from tests.unit.services.helpers import sell
from warranty_desk.clock import FixedClock
from warranty_desk.errors import BadInput, PermissionDenied
from warranty_desk.models import AuditEntry, OutboxEvent
from warranty_desk.permissions import Role
from warranty_desk.services import shop_settings as ss
from warranty_desk.services.catalogue import PolicyInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER = actor(Role.OWNER)
HEADER = "sku,name,brand,category,policy,gtin,serial_required,list_price\n"


def _update(db: Database, **changes: object) -> ss.ShopUpdate:
    shop = ss.get_shop(db)
    base = ss.ShopUpdate(shop.name, shop.branch_name, shop.address, shop.phone, shop.email,
                         shop.currency, shop.locale, shop.timezone, shop.portal_url_template)
    return replace(base, **changes)  # type: ignore[arg-type]


def _last_audit(db: Database, action: str) -> dict[str, object]:
    with db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                .order_by(AuditEntry.seq.desc())).first()
        assert entry is not None, f"no {action} audit entry"
        return dict(json.loads(entry.details))


def _policy(db: Database, name: str) -> ss.PolicyView:
    return next(p for p in ss.list_policies(db) if p.name == name)


def _as_input(view: ss.PolicyView, **changes: object) -> PolicyInput:
    data = PolicyInput(
        name=view.name, manufacturer_months=view.manufacturer_months,
        shop_months=view.shop_months, terms=view.terms, exclusions=view.exclusions,
        evidence_required=view.evidence_required, serial_required=view.serial_required,
        claim_limit_count=view.claim_limit_count,
        claim_limit_period_months=view.claim_limit_period_months,
        override_roles=view.override_roles,
        new_term_on_replacement=view.new_term_on_replacement)
    return replace(data, **changes)  # type: ignore[arg-type]


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "products.csv"
    path.write_text(HEADER + body, "utf-8")
    return path


def _product_count(db: Database) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute("SELECT count(*) FROM products").fetchone()[0])
    finally:
        conn.close()


def test_a_new_phone_number_is_saved_and_audited_with_before_and_after(db: Database) -> None:
    with db.read() as session:
        told = len(session.scalars(select(OutboxEvent.topic)).all())  # the new shop's own
    view = ss.update_shop(db, OWNER, _update(db, phone="+44 20 7946 0000", locale="de-DE"))
    assert view.phone == "+44 20 7946 0000" and view.locale == "de_DE"
    assert ss.get_shop(db).phone == "+44 20 7946 0000"
    details = _last_audit(db, "shop.update")
    assert details == {"before": {"phone": "", "locale": "en_GB"},
                       "after": {"phone": "+44 20 7946 0000", "locale": "de_DE"}}
    with db.read() as session:
        topics = session.scalars(select(OutboxEvent.topic).order_by(OutboxEvent.seq)).all()
    assert topics[told:] == ["shop.updated"]


def test_bad_currency_locale_and_time_zone_are_all_named_and_nothing_changes(
    db: Database
) -> None:
    with pytest.raises(BadInput) as caught:
        ss.update_shop(db, OWNER, _update(db, currency="EURO", locale="xx_YY",
                                          timezone="Mars/Olympus", email="not-an-email",
                                          phone="0101"))
    message = str(caught.value)
    assert "EURO" in message and "xx_YY" in message and "Mars/Olympus" in message
    assert "not-an-email" in message
    assert ss.get_shop(db).phone == ""


def test_an_unknown_three_letter_currency_is_refused(db: Database) -> None:
    with pytest.raises(BadInput, match="EUX"):
        ss.update_shop(db, OWNER, _update(db, currency="eux"))


def test_sales_staff_may_not_change_the_shop(db: Database) -> None:
    with pytest.raises(PermissionDenied):
        ss.update_shop(db, actor(Role.SALES), _update(db, name="Mine now"))


def test_the_branch_code_can_change_while_no_number_has_been_handed_out(db: Database) -> None:
    assert ss.get_shop(db).branch_code_locked is False
    assert ss.update_shop(db, OWNER, _update(db, branch_code="LDN2")).branch_code == "LDN2"


def test_the_branch_code_is_fixed_once_warranty_numbers_carry_it_and_the_reason_is_given(
    shop: Database
) -> None:
    sell(shop)
    assert ss.get_shop(shop).branch_code_locked is True
    with pytest.raises(BadInput) as caught:
        ss.update_shop(shop, OWNER, _update(shop, branch_code="LDN2"))
    assert "stays BR01" in str(caught.value) and "already handed out" in str(caught.value)
    assert ss.get_shop(shop).branch_code == "BR01"


def test_a_policy_change_is_saved_and_the_audit_keeps_what_it_was(shop: Database) -> None:
    policy = _policy(shop, "Electronics 12+12")
    assert policy.products == 3
    saved = ss.update_policy(shop, OWNER, policy.id, _as_input(
        policy, shop_months=24, evidence_required={"fault": ("proof_of_purchase",)},
        claim_limit_count=None, override_roles=(Role.OWNER,)))
    assert saved.shop_months == 24 and saved.claim_limit_count is None
    assert _policy(shop, "Electronics 12+12").evidence_required == {
        "fault": ("proof_of_purchase",)}
    details = _last_audit(shop, "policy.update")
    assert details["before"] == {
        "shop_months": 12, "claim_limit_count": 2, "override_roles": ["manager", "owner"],
        "evidence_required": {"fault": ["proof_of_purchase", "photo_of_fault"],
                              "dead_on_arrival": ["proof_of_purchase"]}}
    assert details["after"]["shop_months"] == 24  # type: ignore[index]


def test_a_policy_with_unknown_evidence_or_a_role_that_cannot_override_is_refused(
    shop: Database
) -> None:
    policy = _policy(shop, "Accessories 6")
    with pytest.raises(BadInput) as caught:
        ss.update_policy(shop, OWNER, policy.id, _as_input(
            policy, evidence_required={"fault": ("selfie",), "flood": ()},
            override_roles=(Role.SALES,)))
    message = str(caught.value)
    assert "selfie" in message and "'flood' is not a claim type" in message
    assert "Sales staff may not override" in message
    assert _policy(shop, "Accessories 6").evidence_required == {}


def test_a_policy_cannot_take_another_policys_name(shop: Database) -> None:
    policy = _policy(shop, "Accessories 6")
    with pytest.raises(BadInput, match="already a policy"):
        ss.update_policy(shop, OWNER, policy.id, _as_input(policy, name="Electronics 12+12"))


def test_a_plan_can_be_withdrawn_from_sale_and_offered_again(shop: Database) -> None:
    plan = next(p for p in ss.list_extension_plans(shop) if p.name == "Care 12")
    assert plan.active
    assert ss.set_plan_active(shop, OWNER, plan.id, False).active is False
    assert [p.active for p in ss.list_extension_plans(shop) if p.name == "Care 12"] == [False]
    assert _last_audit(shop, "extension_plan.update")["after"] == {"active": False}
    assert ss.set_plan_active(shop, OWNER, plan.id, True).active is True


def test_a_good_products_file_adds_every_product(shop: Database, tmp_path: Path) -> None:
    path = _csv(tmp_path, "KET-1,Kettle One,Kettlo,Small appliances,Accessories 6,"
                          "5060123450088,,39.00\n"
                          "LAP-200,Lumen 15,Lumen,laptops,Electronics 12+12,,yes,999.50\n")
    assert ss.import_products_csv(shop, OWNER, path) == 2
    found = {p.sku: p for p in ss.list_products(shop, "")}
    assert found["KET-1"].serial_required is False  # blank follows the Accessories policy
    assert found["KET-1"].gtin == "05060123450088" and found["KET-1"].list_price_minor == 3900
    assert found["LAP-200"].serial_required is True and found["LAP-200"].brand == "Lumen"


def test_a_products_file_with_bad_rows_lists_every_one_and_adds_nothing(
    shop: Database, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "NEW-1,Good row,Lumen,laptops,Electronics 12+12,,,10.00\n"
                          "LAP-100,Taken SKU,Lumen,laptops,Electronics 12+12,,,\n"
                          "NEW-2,,Lumen,laptops,No Such Policy,,,\n"
                          "NEW-3,Bad code,Lumen,laptops,Accessories 6,5060123450089,maybe,"
                          "\"12,50\"\n"
                          "NEW-1,Twice,Lumen,laptops,Accessories 6,,,\n")
    before = _product_count(shop)
    with pytest.raises(ss.ProductsRejected) as caught:
        ss.import_products_csv(shop, OWNER, path)
    where = [(p.row, p.column) for p in caught.value.problems]
    assert where == [(3, "sku"), (4, "name"), (4, "policy"), (5, "gtin"),
                     (5, "serial_required"), (5, "list_price"), (6, "sku")]
    assert "row 2" in caught.value.problems[-1].message
    assert _product_count(shop) == before


def test_a_products_file_missing_a_column_says_which(shop: Database, tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    path.write_text("sku,name,brand,category\nX-1,X,Y,z\n", "utf-8")
    with pytest.raises(ss.ProductsRejected) as caught:
        ss.import_products_csv(shop, OWNER, path)
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "policy")]


def test_sales_staff_may_not_import_products(shop: Database, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        ss.import_products_csv(shop, actor(Role.SALES), _csv(tmp_path, ""))


def test_the_product_list_searches_every_word_and_takes_wildcards_literally(
    shop: Database
) -> None:
    assert [p.sku for p in ss.list_products(shop, "lumen laptop")] == ["LAP-100"]
    assert {p.sku for p in ss.list_products(shop, "LUMEN")} == {"LAP-100", "CBL-1"}
    assert ss.list_products(shop, "%") == ()
    assert len(ss.list_products(shop)) == 4


def test_a_logo_is_kept_in_the_document_store_printed_and_removable(
        db: Database, home: Home) -> None:
    from warranty_desk.demo.files import logo_png
    from warranty_desk.services import printables
    from warranty_desk.storage.documents import DocumentStore

    store = DocumentStore(home.documents)
    owner = actor(Role.OWNER)
    view = ss.set_logo(db, owner, store, logo_png())
    assert view.logo_sha256 is not None and store.exists(view.logo_sha256)
    with db.read() as session:
        shop = printables.shop_of(session)
        assert printables.header(shop, store).logo_png == logo_png()
    assert ss.set_logo(db, owner, store, None).logo_sha256 is None
    with db.read() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("shop.logo") == 2


@pytest.mark.parametrize(("data", "words"), [
    (b"%PDF-1.4 not a picture", "not a PNG or JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024), "must be under 2 MB"),
])
def test_a_logo_that_is_not_a_small_picture_is_refused_in_plain_words(
        db: Database, home: Home, data: bytes, words: str) -> None:
    from warranty_desk.storage.documents import DocumentStore

    with pytest.raises(BadInput, match=words):
        ss.set_logo(db, actor(Role.OWNER), DocumentStore(home.documents), data)
    assert ss.get_shop(db).logo_sha256 is None


def test_only_settings_roles_may_change_the_logo(db: Database, home: Home) -> None:
    from warranty_desk.demo.files import logo_png
    from warranty_desk.storage.documents import DocumentStore

    with pytest.raises(PermissionDenied):
        ss.set_logo(db, actor(Role.SALES), DocumentStore(home.documents), logo_png())


def test_a_new_shop_tells_head_office_its_zone_at_once(tmp_path: Path) -> None:
    """Head office counts a branch's days in the zone its till names; a shop made by init in
    Auckland must say so in its first push, not only after someone edits its settings."""
    from warranty_desk.services.setup import ShopInput, init

    db, new = init(Home(tmp_path / "nz"), ShopInput(name="Kiwi <b>Shop</b>", branch_code="AK01",
                                                    timezone="Pacific/Auckland"),
                   clock=FixedClock(datetime(2026, 11, 22, 10, 30, tzinfo=UTC)))
    try:
        assert new
        with db.read() as session:
            rows = session.execute(select(OutboxEvent.topic, OutboxEvent.aggregate_id,
                                          OutboxEvent.payload)).all()
        assert [(t, a) for t, a, _ in rows] == [("shop.updated", "AK01")]
        assert json.loads(rows[0][2]) == {"timezone": "Pacific/Auckland"}
        later = FixedClock(datetime(2026, 11, 23, tzinfo=UTC))
        again, new = init(Home(tmp_path / "nz"), clock=later)
        again.dispose()
        assert not new  # a second init on the same home tells nothing new
        utc, _ = init(Home(tmp_path / "uk"), clock=later)
        with utc.read() as session:  # head office already counts in UTC: nothing to tell
            assert session.scalars(select(OutboxEvent.topic)).all() == []
        utc.dispose()
    finally:
        db.dispose()
