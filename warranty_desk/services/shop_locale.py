"""The shop's locale as services use it: how its money and dates are written, its phone country."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from warranty_desk.errors import NotFound
from warranty_desk.locales import FALLBACK_LOCALE, region_of, written_day
from warranty_desk.models import Shop
from warranty_desk.money import MoneyFormat
from warranty_desk.storage.database import Database


def money_of(session: Session) -> MoneyFormat:
    """The shop's currency and locale, for every amount a person or a file sees."""
    found = session.execute(select(Shop.currency, Shop.locale).limit(1)).first()
    if found is None:
        raise NotFound("This install has no shop yet. Run `warranty-desk init` first.")
    return MoneyFormat(found.currency, found.locale)


def money_at(db: Database) -> MoneyFormat:
    """The shop's money format, for a caller that holds the database but no session."""
    with db.read() as session:
        return money_of(session)


def phone_region(session: Session) -> str | None:
    """The country a phone number typed without +country code belongs to (en_GB -> GB)."""
    locale = session.execute(select(Shop.locale).limit(1)).scalar()
    return region_of(locale) if locale else None


def day_words(session: Session, day: date) -> str:
    """A date as the shop's letters to customers write it (2 December 2026)."""
    locale = session.execute(select(Shop.locale).limit(1)).scalar()
    return written_day(day, locale or FALLBACK_LOCALE)
