"""Reminders before a warranty ends: only with consent, once per warranty end, the plans the till
itself would sell, in the customer's register; claim messages need no consent."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import actor, stand_on
from tests.unit.services.helpers import ADA, sell
from warranty_desk.models import CustomerMessage, Warranty, WarrantyReminder
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import catalogue, claims, reminders, shop_settings
from warranty_desk.services.activation import record_sale
from warranty_desk.services.customer_view import customer_profile, set_reminder_consent
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.lookup import lookup
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

NIGHT = Actor.system("nightly run")
SUPPORT = actor(Role.SUPPORT)
AGREED = dataclasses.replace(ADA, reminders_agreed=True)


def _end(db: Database, code: str) -> date:
    with db.read() as session:
        return session.scalars(select(Warranty.end_on).where(Warranty.code == code)).one()


class _Sent:
    def __init__(self, subject: str, body: str) -> None:
        self.subject, self.body = subject, body


def _reminders(db: Database) -> list[_Sent]:
    with db.read() as session:
        return [_Sent(s, b) for s, b in session.execute(
            select(CustomerMessage.subject, CustomerMessage.body).where(
                CustomerMessage.template == "warranty_reminder").order_by(CustomerMessage.id))]


def _nights(db: Database, first: date, last: date) -> dict[date, int]:
    """Run the nightly send on each day from first to last; how many it queued each day."""
    sent = {}
    day = first
    while day <= last:
        stand_on(db, day, hour=2)
        sent[day] = len(reminders.send_due(db, NIGHT))
        day += timedelta(days=1)
    return sent


def test_a_reminder_goes_once_on_the_first_night_of_the_window_and_never_again(
    shop: Database
) -> None:
    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-1", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-1",)),),
        AGREED)).warranty_codes[0]
    end = _end(shop, code)
    sent = _nights(shop, end - timedelta(days=33), end + timedelta(days=2))
    assert [d for d, n in sent.items() if n] == [end - timedelta(days=30)]
    assert sum(sent.values()) == 1
    # A restart (a new connection on the same file) and a second run the same night: nothing.
    again = Database(shop.path, clock=shop.clock)
    try:
        assert reminders.send_due(again, NIGHT) == ()
    finally:
        again.dispose()
    [message] = _reminders(shop)
    # The date as a letter writes it in the shop's locale (en_GB), never the ISO code.
    assert f"ends on {end.day} {end:%B} {end.year}, in 30 days" in message.body
    assert end.isoformat() not in message.body
    assert message.body.startswith("Hello Ada Lovelace,")
    with shop.read() as session:
        assert session.scalars(select(WarrantyReminder.ends_on)).all() == [end]


def test_the_window_is_the_shops_setting(shop: Database) -> None:
    code = sell(shop, "INV-2").warranty_codes[0]
    set_reminder_consent(shop, SUPPORT, _reference(shop), True)
    view = shop_settings.get_shop(shop)
    shop_settings.update_shop(shop, actor(Role.OWNER), shop_settings.ShopUpdate(
        name=view.name, branch_name=view.branch_name, address=view.address, phone=view.phone,
        email=view.email, currency=view.currency, locale=view.locale, timezone=view.timezone,
        portal_url_template=view.portal_url_template, reminder_days=7))
    assert shop_settings.get_shop(shop).reminder_days == 7
    end = _end(shop, code)
    sent = _nights(shop, end - timedelta(days=9), end)
    assert [d for d, n in sent.items() if n] == [end - timedelta(days=7)]


def _reference(db: Database) -> str:
    with db.read() as session:
        from warranty_desk.models import Customer
        return session.scalars(select(Customer.reference)).one()


def test_no_consent_no_reminder_and_a_withdrawal_is_honoured_from_that_day(
    shop: Database
) -> None:
    code = sell(shop, "INV-3").warranty_codes[0]  # ADA did not agree at the sale
    end = _end(shop, code)
    assert sum(_nights(shop, end - timedelta(days=31), end - timedelta(days=25)).values()) == 0
    ref = _reference(shop)
    set_reminder_consent(shop, SUPPORT, ref, True)
    set_reminder_consent(shop, SUPPORT, ref, False)
    profile = customer_profile(shop, SUPPORT, ref)
    assert not profile.reminders_agreed and profile.reminders_withdrawn_at is not None
    assert profile.reminders_agreed_at is not None  # the agreement stays on record
    assert sum(_nights(shop, end - timedelta(days=24), end).values()) == 0
    # Agreeing again later: the warranty is still within its window, so it is reminded once.
    set_reminder_consent(shop, SUPPORT, ref, True)
    assert sum(_nights(shop, end - timedelta(days=3), end + timedelta(days=3)).values()) == 1
    assert customer_profile(shop, SUPPORT, ref).reminders_agreed


def test_the_reminder_lists_the_plans_the_till_would_sell_that_day(shop: Database) -> None:
    catalogue.add_extension_plan(shop, actor(Role.OWNER), catalogue.ExtensionPlanInput(
        name="Late Care 12", months=12, price_minor=7_900, categories=("laptops",),
        max_days_since_sale=2_000))
    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-4", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-4",)),),
        AGREED)).warranty_codes[0]
    end = _end(shop, code)
    stand_on(shop, end - timedelta(days=30), hour=2)
    [sent] = reminders.send_due(shop, NIGHT)
    offered = lookup(shop, SUPPORT, code).matches[0].extension_offers
    assert sent.plans == tuple(o.plan for o in offered) == ("Late Care 12",)
    assert "- Late Care 12: 12 more months for €79.00." in _reminders(shop)[0].body


def test_with_no_plan_left_the_reminder_says_so_in_words(shop: Database) -> None:
    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-5", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-5",)),),
        AGREED)).warranty_codes[0]
    stand_on(shop, _end(shop, code) - timedelta(days=30), hour=2)
    [sent] = reminders.send_due(shop, NIGHT)
    assert sent.plans == ()  # Care+ 24 and Care 12 end 30 and 60 days after the sale
    assert reminders.NO_PLAN in _reminders(shop)[0].body


def test_the_reminder_is_in_the_customers_register(shop: Database) -> None:
    business = CustomerInput("Quayside Ltd", email="buyer@quayside.example",
                             segment="business", reminders_agreed=True)
    code = record_sale(shop, actor(Role.SALES), SaleInput(
        "INV-6", date(2026, 11, 1), (LineInput("LAP-100", 1, 89_900, ("SN-6",)),),
        business)).warranty_codes[0]
    stand_on(shop, _end(shop, code) - timedelta(days=30), hour=2)
    reminders.send_due(shop, NIGHT)
    [message] = _reminders(shop)
    assert message.subject.startswith("Warranty expiry on")
    assert message.body.startswith("Dear Quayside Ltd,")


def test_messages_about_an_open_claim_need_no_consent(shop: Database) -> None:
    code = sell(shop, "INV-7").warranty_codes[0]  # no consent given
    number = claims.start_claim(shop, SUPPORT, claims.StartClaim(code, "Screen flickers")).number
    with shop.read() as session:
        templates = session.scalars(select(CustomerMessage.template).where(
            CustomerMessage.claim_id.is_not(None))).all()
    assert templates == ["claim_received"], number
