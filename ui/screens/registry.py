"""Every screen as a light spec: its module, class, title, key and who may open it, in nav order."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from warranty_desk.permissions import Permission

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.screens.base import Screen


@dataclass(frozen=True, slots=True)
class ScreenSpec:
    """What the navigation, the keys and the F1 help need of a screen, without importing it.

    A screen module brings its services (and some bring printing or sync) with it, so the main
    window imports one only when the screen is first shown. tests/unit/test_screen_registry.py
    keeps each spec equal to its class.
    """

    module: str
    name: str  # the class name; screens open each other by it (ctx.navigate)
    title: str
    shortcut: str = ""  # screens without one need a record to show and are not listed
    permissions: tuple[Permission, ...] = ()  # any one of them opens it; none: everyone

    def available(self, ctx: AppContext) -> bool:
        """Whether the signed-in person may open this screen (as the screen's own available())."""
        return not self.permissions or any(ctx.may(p) for p in self.permissions)

    def load(self) -> type[Screen]:
        """The screen class, importing its module the first time."""
        cls: type[Screen] = getattr(importlib.import_module(self.module), self.name)
        return cls


_S = "ui.screens."
P = Permission

# Navigation order. Settings opens for anyone who may use one of its tabs (a manager imports POS
# files without owning the shop's settings), so it lists every tab's permission.
SCREENS: tuple[ScreenSpec, ...] = (
    ScreenSpec(_S + "counter", "CounterScreen", "Counter", "F2"),
    ScreenSpec(_S + "sale", "SaleScreen", "Sale activation", "F3", (P.ACTIVATE_SALE,)),
    ScreenSpec(_S + "claims_board", "ClaimsBoardScreen", "Claims", "F4", (P.LOOKUP,)),
    ScreenSpec(_S + "returns_desk", "ReturnsDeskScreen", "Returns desk", "F5",
               (P.HANDLE_STOCK,)),
    ScreenSpec(_S + "customer", "CustomerScreen", "Customers", "F6", (P.LOOKUP,)),
    ScreenSpec(_S + "print_queue", "PrintQueueScreen", "Print queue", "F7", (P.PRINT,)),
    ScreenSpec(_S + "dashboard", "DashboardScreen", "Dashboard", "F8", (P.VIEW_REPORTS,)),
    ScreenSpec(_S + "reports", "ReportsScreen", "Reports", "Shift+F8", (P.VIEW_REPORTS,)),
    ScreenSpec(_S + "audit_sample", "AuditSampleScreen", "Audit sample", "Ctrl+F8",
               (P.VIEW_REPORTS,)),
    ScreenSpec(_S + "settings", "SettingsScreen", "Settings", "F9",
               (P.MANAGE_SETTINGS, P.UNLOCK_STAFF, P.IMPORT_INVOICES, P.MANAGE_SYNC)),
    ScreenSpec(_S + "sync_panel", "SyncPanelScreen", "Sync", "F10", (P.MANAGE_SYNC,)),
    ScreenSpec(_S + "brand_claims", "BrandClaimsScreen", "Brand claims", "F11",
               (P.VIEW_BRAND_CLAIMS,)),
    ScreenSpec(_S + "follow_ups", "FollowUpsScreen", "Follow-ups", "F12", (P.LOOKUP,)),
    ScreenSpec(_S + "start_claim", "StartClaimScreen", "Start claim", "",
               (P.START_CLAIM,)),
    ScreenSpec(_S + "extension", "ExtensionScreen", "Sell extension", "",
               (P.SELL_EXTENSION,)),
    ScreenSpec(_S + "claim_detail", "ClaimDetailScreen", "Claim", "", (P.LOOKUP,)),
)


def spec_named(name: str) -> ScreenSpec:
    """The spec of the screen class with this name."""
    for spec in SCREENS:
        if spec.name == name:
            return spec
    raise KeyError(f"no screen is registered as {name!r}")
