"""The demo's shop details: one UK shop, in pounds and British English, with a UK phone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from warranty_desk.demo.people import SYSTEM

if TYPE_CHECKING:
    from warranty_desk.storage.database import Database

# The demo is a UK shop throughout: pounds, British English, UK phones (Ofcom's drama range,
# like its customers'), and a UK supplier. Name, branch and time zone stay as `init` set them,
# and so do a currency and locale asked for by name (`init --demo --currency JPY`).
DEMO_CURRENCY, DEMO_LOCALE = "GBP", "en_GB"
# What `init` names a shop unless told (the demo's, as `make run` makes it).
DEMO_NAME, DEMO_TIMEZONE = "Warranty Desk Demo Shop", "Europe/London"
DEMO_PHONE = "+44 117 496 0321"
DEMO_ADDRESS = "12 Corn Street, Bristol BS1 1HT"


def make_uk_shop(db: Database, currency: str | None, locale: str | None) -> None:
    """Give the shop the demo's currency, locale, phone and address, keeping what was asked for."""
    # Here, not at the top: every command reads DEMO_NAME for its help, few build a demo.
    from warranty_desk.services import shop_settings

    now = shop_settings.get_shop(db)
    shop_settings.update_shop(db, SYSTEM, shop_settings.ShopUpdate(
        name=now.name, branch_name=now.branch_name, address=now.address or DEMO_ADDRESS,
        phone=now.phone or DEMO_PHONE, email=now.email, currency=currency or DEMO_CURRENCY,
        locale=locale or DEMO_LOCALE, timezone=now.timezone,
        portal_url_template=now.portal_url_template))
