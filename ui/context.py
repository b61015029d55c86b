"""What every screen is handed: the database, who is signed in, the task runner and notices."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.money import use_shop_money
from ui.phones import use_shop_region
from ui.tasks import TaskRunner
from warranty_desk.clock import today_on, zone_of
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.logs import LOG_NAME
from warranty_desk.permissions import Actor, Permission, allowed
from warranty_desk.services.shop_open import ShopRow
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

log = logging.getLogger(__name__)

# The shop row, as the screens need it (read at start through the driver).
ShopInfo = ShopRow


class AppContext(QObject):
    """Shared by all screens; created once by the app after the database is open."""

    signed_in = Signal(object)  # Actor
    signed_out = Signal()
    notice = Signal(str, str)  # text, level: info | success | warning | error
    data_changed = Signal(str)  # what changed: sale, claim, staff, settings, ...
    busy = Signal(bool)
    # Screens open each other by class name with a payload (a claim number, a verdict, ...),
    # so no screen imports another; the main window does the switching.
    navigate = Signal(str, object)

    def __init__(self, home: Home, db: Database, shop: ShopInfo, tasks: TaskRunner) -> None:
        super().__init__()
        self.home = home
        self.db = db
        self._shop = shop
        self._use_shop_words(shop)
        self.tasks = tasks
        self.actor: Actor | None = None

    @property
    def shop(self) -> ShopInfo:
        """The shop's details; new ones (Settings > Shop) change how every amount is shown."""
        return self._shop

    @shop.setter
    def shop(self, shop: ShopInfo) -> None:
        self._shop = shop
        self._use_shop_words(shop)

    @staticmethod
    def _use_shop_words(shop: ShopInfo) -> None:
        # Amounts and phones are shown as the shop's currency and country write them.
        use_shop_money(shop.currency, shop.locale)
        use_shop_region(shop.locale)

    def today(self) -> date:
        """Today at the shop, on the database's clock (pinned in tests and screenshots)."""
        return today_on(self.db.clock, zone_of(self.shop.timezone))

    def may(self, permission: Permission) -> bool:
        """Whether the signed-in person may do this; screens hide what they may not."""
        return self.actor is not None and allowed(self.actor.role, permission)

    def require_actor(self) -> Actor:
        """The signed-in person; screens are only reachable while someone is."""
        if self.actor is None:
            raise WarrantyDeskError("Nobody is signed in. Sign in first.")
        return self.actor

    def sign_in(self, actor: Actor) -> None:
        self.actor = actor
        self.signed_in.emit(actor)

    def sign_out(self) -> None:
        self.actor = None
        self.signed_out.emit()

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run a service call off the GUI thread; errors go to `on_error` or the notice bar."""
        self.busy.emit(True)

        def done(result: Any) -> None:
            self.busy.emit(False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self.busy.emit(False)
            if on_error is not None:
                on_error(exc)
            else:
                self.report(exc)

        self.tasks.run(fn, done, failed)

    def report(self, exc: BaseException) -> None:
        """Show a known error in plain words; log anything else as a bug."""
        self.notice.emit(*explain(exc, self.home))


def explain(exc: BaseException, home: Home) -> tuple[str, str]:
    """A notice for an exception: known errors as they are, bugs logged with their traceback."""
    if isinstance(exc, WarrantyDeskError):
        return str(exc), "error"
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return (f"Something went wrong inside Warranty Desk (a bug, not your mistake). The details "
            f"are in {home.logs / LOG_NAME}; please send it to support."), "error"
