"""Opening a shop that needs no setting up, through the sqlite3 driver.

Most starts find the file at the schema's head with its shop row: the app then reads that row
here and shows its sign-in page before SQLAlchemy loads (services/setup.py, which creates and
upgrades, brings SQLAlchemy, the models and Alembic with it).
"""

from __future__ import annotations

from dataclasses import dataclass

from warranty_desk.clock import Clock
from warranty_desk.storage import schema
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

_SHOP = "SELECT name, branch_code, timezone, locale, currency FROM shop LIMIT 1"


@dataclass(frozen=True, slots=True)
class ShopRow:
    """The shop row's fields the app's screens need at once."""

    name: str
    branch_code: str
    timezone: str
    locale: str
    currency: str


def shop_row(db: Database) -> ShopRow | None:
    """The shop's one row; None before it is created."""
    with db.driver_read() as conn:
        found = conn.execute(_SHOP).fetchone()
    return None if found is None else ShopRow(*(str(v) for v in found))


def open_database(home: Home, clock: Clock, *, checked: bool = False) -> Database:
    """The database under a home folder, created if needed (schema not yet upgraded); a damaged
    file is refused (DatabaseDamaged) before anything could write to it.

    `checked`: the caller refused a damaged file a moment ago (the app's start does, before
    its first read): the check walks every page of a small file, and once is enough.
    """
    from warranty_desk.services.damage import refuse_damaged

    home.ensure()
    if not checked:
        refuse_damaged(home)
    return Database(home.database, clock=clock)


def open_ready(home: Home, clock: Clock, *,
               checked: bool = False) -> tuple[Database, ShopRow] | None:
    """The database and its shop row when the file is at the schema's head with its shop row;
    None when setup.init has work to do (a new file, an older schema, no shop row yet).

    `checked` as for open_database.
    """
    if not schema.file_at_head(home.database):
        return None
    db = open_database(home, clock, checked=checked)
    row = shop_row(db)
    return None if row is None else (db, row)
