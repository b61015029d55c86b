"""Creating or upgrading a shop's database and its one shop row."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, select

from warranty_desk.clock import Clock
from warranty_desk.errors import BadInput
from warranty_desk.models import Shop, UpgradeNote
from warranty_desk.permissions import Actor
from warranty_desk.services import audit
from warranty_desk.services.unit_of_work import UnitOfWork, reads
from warranty_desk.storage import schema
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


@dataclass(frozen=True, slots=True)
class ShopInput:
    """The shop details asked for at first start."""

    name: str = "My Shop"
    branch_code: str = "BR01"
    branch_name: str = "Main branch"
    currency: str = "EUR"
    locale: str = "en_GB"
    timezone: str = "UTC"


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


def init(home: Home, shop: ShopInput | None = None, *, clock: Clock,
         checked: bool = False) -> tuple[Database, bool]:
    """Upgrade the schema to head and create the shop row; True when the shop is new.

    `checked` as for open_database."""
    code = (shop or ShopInput()).branch_code
    if not (2 <= len(code) <= 6 and code.isalnum() and code[0].isalpha() and code.isupper()):
        raise BadInput(f"Branch code {code!r} must be 2 to 6 capital letters or digits, "
                       "starting with a letter (for example BR01).")
    db = open_database(home, clock, checked=checked)
    if not schema.at_head(db):
        from warranty_desk.services import upgrade
        from warranty_desk.storage import migrate  # Alembic loads only when there is work

        db.dispose()  # an older file is backed up first, and put back if the upgrade fails
        upgrade.upgrade_if_older(home, clock)
        db = Database(home.database, clock=clock)
        migrate.upgrade(db)  # a new, empty file; a no-op after the upgrade
    with UnitOfWork.write(db) as uow:  # works out what the upgrade left stale, if anything
        session = uow.session
        if session.execute(select(Shop.id).limit(1)).first() is not None:
            return db, False
        data = shop or ShopInput()
        session.add(Shop(name=data.name, branch_code=data.branch_code,
                         branch_name=data.branch_name, currency=data.currency,
                         locale=data.locale, timezone=data.timezone))
        audit.record(session, Actor.system("init"), "shop.create", "shop", data.branch_code,
                     {"name": data.name})
    return db, True


def upgrade_notes_in(uow: UnitOfWork) -> tuple[str, ...]:
    """What schema upgrades left for a person to check, oldest first (none before 0009)."""
    session = uow.session
    if not inspect(session.connection()).has_table(UpgradeNote.__tablename__):
        return ()
    return tuple(session.scalars(select(UpgradeNote.text).order_by(UpgradeNote.id)))


upgrade_notes = reads(upgrade_notes_in)
