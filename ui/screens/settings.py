"""Settings: shop, policies, products, suppliers, staff, devices, POS import, sync and backups,
one tab each."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from ui.context import AppContext
from ui.keys import bind_key
from ui.screens.base import Screen
from ui.screens.settings_tabs import SettingsTab
from ui.screens.settings_tabs.backups import BackupsTab
from ui.screens.settings_tabs.devices import DevicesTab
from ui.screens.settings_tabs.imports import ImportsTab
from ui.screens.settings_tabs.policies import PoliciesTab
from ui.screens.settings_tabs.products import ProductsTab
from ui.screens.settings_tabs.shop import ShopTab
from ui.screens.settings_tabs.staff import StaffTab
from ui.screens.settings_tabs.suppliers import SuppliersTab
from ui.screens.settings_tabs.sync import SyncTab
from warranty_desk.permissions import Permission


class SettingsScreen(Screen):
    """For owners and admins; a tab whose permission the person lacks is hidden."""

    title = "Settings"
    shortcut = "F9"
    permission = Permission.MANAGE_SETTINGS
    help_keys = (
        ("Ctrl+Tab / Ctrl+Shift+Tab", "Next / previous settings tab"),
        ("Ctrl+S", "Save the form on the tab shown (shop, policy, supplier, devices, sync, "
                   "backups)"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        layout.addWidget(self.tabs, 1)
        self.shop = ShopTab(ctx)
        self.policies = PoliciesTab(ctx)
        self.products = ProductsTab(ctx)
        self.staff = StaffTab(ctx)
        self.devices = DevicesTab(ctx)
        self.imports = ImportsTab(ctx)
        self.suppliers = SuppliersTab(ctx)
        self.sync = SyncTab(ctx)
        self.backups = BackupsTab(ctx)
        self.all_tabs: tuple[SettingsTab, ...] = (self.shop, self.policies, self.products,
                                                  self.suppliers, self.staff, self.devices,
                                                  self.imports, self.sync, self.backups)
        for tab in self.all_tabs:
            self.tabs.addTab(tab, tab.title)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        bind_key(self, "Ctrl+S", self._on_save_shortcut)

    def available(self) -> bool:
        # A manager imports POS files without owning the shop's settings: any usable tab opens it.
        return bool(self.visible_tabs())

    def visible_tabs(self) -> list[SettingsTab]:
        """The tabs the signed-in person may use."""
        return [t for t in self.all_tabs if self.ctx.may(t.permission)]

    def show_tab(self, tab: SettingsTab) -> None:
        """Switch to a tab (if the person may see it)."""
        if tab in self.visible_tabs():
            self.tabs.setCurrentWidget(tab)

    def activated(self) -> None:
        # The person may have changed since the screen was last shown: re-decide the tabs.
        visible = self.visible_tabs()
        for n, tab in enumerate(self.all_tabs):
            self.tabs.setTabVisible(n, tab in visible)
        current = self.tabs.currentWidget()
        if current not in visible and visible:
            self.tabs.setCurrentWidget(visible[0])
        else:
            self._refresh_current()

    def open(self, payload: object) -> None:
        """Show the tab with this title (another screen's "set it up" button asks for one)."""
        for tab in self.all_tabs:
            if isinstance(payload, str) and tab.title.lower() == payload.lower():
                self.show_tab(tab)

    def clear_for_sign_out(self) -> None:
        for tab in self.all_tabs:
            tab.clear_for_sign_out()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._refresh_current()

    def _refresh_current(self) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, SettingsTab) and self.ctx.may(current.permission):
            current.refresh()

    def _on_save_shortcut(self) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, SettingsTab):
            current.save()
