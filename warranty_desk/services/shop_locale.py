"""The shop's locale as services use it: how its money and dates are written, its phone country."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from warranty_desk.errors import NotFound
from warranty_desk.locales import FALLBACK_LOCALE, region_of, written_day
from warranty_desk.money import MoneyFormat
from warranty_desk.storage.database import Database, session_rows


def money_of(session: Session) -> MoneyFormat:
    """The shop's currency and locale, for every amount a person or a file sees."""
    # The shop's settings through the driver (storage.database.session_rows): read on every
    # sale, print and claim, where the ORM statement cost many times the read.
    found = session_rows(session, "SELECT currency, locale FROM shop LIMIT 1")
    if not found:
        raise NotFound("This install has no shop yet. Run `warranty-desk init` first.")
    return MoneyFormat(found[0][0], found[0][1])


def money_at(db: Database) -> MoneyFormat:
    """The shop's money format, for a caller that holds the database but no session."""
    with db.read() as session:
        return money_of(session)


def phone_region(session: Session) -> str | None:
    """The country a phone number typed without +country code belongs to (en_GB -> GB)."""
    locale = _locale(session)
    return region_of(locale) if locale else None


def day_words(session: Session, day: date) -> str:
    """A date as the shop's letters to customers write it (2 December 2026)."""
    return written_day(day, _locale(session) or FALLBACK_LOCALE)


def _locale(session: Session) -> str | None:
    found = session_rows(session, "SELECT locale FROM shop LIMIT 1")
    return found[0][0] if found else None
