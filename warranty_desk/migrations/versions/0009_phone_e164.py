"""Customer phones keyed as E.164; customers who come to share a number are kept and listed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24

Phones were kept as digits with a leading + when typed with one, so "07700 900596" and
"+44 7700 900596" were two different keys and a national number found nothing. Every phone
becomes E.164 in the shop's country (the region of its locale). Two customers whose numbers
become the same E.164 are not merged: a merge decides who bought what, which a person must
do. Each such pair, and each phone that cannot be read as a number (kept as it was), becomes
a row of the new upgrade_notes table; the log gets them too, and `warranty-desk init` prints
them.
"""

from __future__ import annotations

import logging
from collections import defaultdict

import phonenumbers
import sqlalchemy as sa
from alembic import op
from babel import Locale, UnknownLocaleError
from babel.core import get_global

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

log = logging.getLogger("warranty_desk.migrations")
# Customers named in the note about unreadable phones; the rest are counted.
_LISTED = 10

# Written by hand from warranty_desk/models/upgrade_note.py; a migration never imports models,
# nor the app's phone rules, so what this upgrade does stays what it did.


def _region(locale: str | None) -> str | None:
    try:
        parsed = Locale.parse((locale or "").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if parsed.territory:
        return str(parsed.territory)
    # A bare language names its most likely country in CLDR (de -> de_Latn_DE).
    territory = get_global("likely_subtags").get(parsed.language, "").split("_")[-1]
    return territory if len(territory) == 2 and territory.isalpha() else None


def _e164(phone: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _who(reference: str, name: str, phone: str) -> str:
    return f"{reference} ({name}, was {phone})"


def upgrade() -> None:
    notes = op.create_table(
        "upgrade_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upgrade_notes")),
    )
    bind = op.get_bind()
    region = _region(bind.execute(sa.text("SELECT locale FROM shop LIMIT 1")).scalar())
    found = bind.execute(sa.text(
        "SELECT id, reference, name, phone FROM customers WHERE phone != '' ORDER BY reference"))
    written: list[str] = []
    unreadable: list[str] = []
    sharing: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for key, reference, name, phone in found.all():
        number = _e164(phone, region)
        if number is None:
            unreadable.append(f"{reference} ({name}) keeps the phone {phone!r}")
            continue
        if number != phone:
            bind.execute(sa.text("UPDATE customers SET phone = :phone WHERE id = :id"),
                         {"phone": number, "id": key})
        sharing[number].append((reference, name, phone))
    for number, people in sharing.items():
        # Customers who already had the same digits were one key before; only new pairs count.
        if len(people) > 1 and len({phone for _, _, phone in people}) > 1:
            listed = ", ".join(_who(*person) for person in people)
            written.append(f"Customers {listed} now have the same phone {number}. Both are kept, "
                           "so a lookup by this phone lists the units of each; check whether "
                           "they are one person.")
    if unreadable:
        # One note however many: a shop full of made-up numbers should not bury the pairs.
        more = len(unreadable) - _LISTED
        listed = "; ".join(unreadable[:_LISTED]) + (f"; and {more} more" if more > 0 else "")
        who = "1 customer has" if len(unreadable) == 1 else f"{len(unreadable)} customers have"
        written.append(f"{who} a phone that cannot be read as a "
                       f"phone number, kept as it was, so a lookup finds it only as written: "
                       f"{listed}. Ask them for their number.")
    # The search table holds the old phones; rebuilt from the customers it indexes.
    bind.execute(sa.text("INSERT INTO customers_fts (customers_fts) VALUES ('rebuild')"))
    for text in written:
        log.warning("upgrade %s: %s", revision, text)
    if written:
        op.bulk_insert(notes, [{"revision": revision, "text": text} for text in written])


def downgrade() -> None:
    # Phones stay E.164: the digits people once typed are not kept anywhere to go back to.
    op.drop_table("upgrade_notes")
