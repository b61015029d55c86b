"""Creating or upgrading a shop's database and its one shop row."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, select

from warranty_desk.clock import Clock
from warranty_desk.errors import BadInput
from warranty_desk.models import Shop, UpgradeNote
from warranty_desk.permissions import Actor
from warranty_desk.services import audit, outbox
from warranty_desk.services.shop_open import open_database as open_database
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
    timezone: str = "UTC"  # HEAD_OFFICE_ZONE


# The zone head office counts a branch's days in until the branch names its own.
HEAD_OFFICE_ZONE = "UTC"


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
        if data.timezone != HEAD_OFFICE_ZONE:
            # Head office counts a branch's days in UTC until its till names a zone (as a
            # change of settings does): a shop made in another zone says so in its first push.
            outbox.emit(session, "shop.updated", "shop", data.branch_code,
                        {"timezone": data.timezone})
    return db, True


def settle(db: Database) -> None:
    """What a start's write unit does on a file it need not set up: brand claims an upgrade
    left stale have their recovery worked out, and claims are counted again for a new zone
    (UnitOfWork.write, on commit). The app runs it once SQLAlchemy has loaded, after ready."""
    with UnitOfWork.write(db):
        pass  # the unit's commit does it all


def upgrade_notes_in(uow: UnitOfWork) -> tuple[str, ...]:
    """What schema upgrades left for a person to check, oldest first (none before 0009)."""
    session = uow.session
    if not inspect(session.connection()).has_table(UpgradeNote.__tablename__):
        return ()
    return tuple(session.scalars(select(UpgradeNote.text).order_by(UpgradeNote.id)))


upgrade_notes = reads(upgrade_notes_in)
