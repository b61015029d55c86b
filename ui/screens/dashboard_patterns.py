"""The dashboard's Patterns tab beside its Figures tab: serials, customers and faults claimed
again, and models and staff standing out, read after the figures; Enter on one lists its
claims, Enter on a claim opens it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.labels import Label, keep_codes_whole
from warranty_desk.rules.metrics.patterns import KIND_WORDS, Pattern
from warranty_desk.services.pattern_rows import patterns

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.screens.dashboard import DashboardScreen
    from warranty_desk.services.dashboard import Dashboard

FIGURES, PATTERNS = "Figures", "Patterns"
FOUND = "Patterns: {n} found. Enter lists a pattern's claims on the right; Enter there opens one."


class PatternsPanel(QWidget):
    """The patterns for the range and filter the figures were read with."""

    counted = Signal(str)  # the tab's words: "Patterns (3)"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("dashboardPatternsPanel")
        self.found: tuple[Pattern, ...] = ()
        self.asked = 0  # the newest reading asked for: an older answer is dropped
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = Label("Patterns: reading…")
        self.title.setObjectName("subtle")
        self.title.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("dashboardPatterns")
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.claims = QListWidget()
        self.claims.setObjectName("dashboardPatternClaims")
        # The patterns and their claims side by side, as the figures and theirs above.
        row = QHBoxLayout()
        row.addWidget(self.list, 2)
        row.addWidget(self.claims, 1)
        layout.addWidget(self.title)
        layout.addLayout(row, 1)
        self.list.itemActivated.connect(self._on_list_activated)
        self.claims.itemActivated.connect(self._on_claims_activated)
        ctx.signed_out.connect(self.clear)

    def load(self, since: date, until: date, filters: Mapping[str, str]) -> None:
        """Read the patterns off the GUI thread (the figures are shown already)."""
        actor = self.ctx.require_actor()
        self.asked += 1
        asked, wanted = self.asked, dict(filters)
        self.title.setText("Patterns: reading…")
        self.counted.emit(f"{PATTERNS} (…)")

        def show(found: tuple[Pattern, ...]) -> None:
            if asked == self.asked:
                self.show_patterns(found)

        self.ctx.run(lambda: patterns(self.ctx.db, actor, since=since, until=until,
                                      filters=wanted), show)

    def show_patterns(self, found: tuple[Pattern, ...]) -> None:
        """List the patterns, each as its kind and its reason, in plain text."""
        self.found = found
        self.list.clear()
        self.claims.clear()
        for pattern in found:
            # Claim numbers and serials never break at their hyphens (copying gives "-").
            item = QListWidgetItem(keep_codes_whole(f"{KIND_WORDS[pattern.kind]}: "
                                                    f"{pattern.reason}"))
            item.setData(Qt.ItemDataRole.UserRole, pattern.claims)
            self.list.addItem(item)
        self.title.setText(FOUND.format(n=len(found)) if found
                           else "Patterns: none found for this range and filter.")
        self.counted.emit(f"{PATTERNS} ({len(found)})")

    def clear(self) -> None:
        """Forget what was shown (customers' names are among it)."""
        self.asked += 1
        self.found = ()
        self.list.clear()
        self.claims.clear()
        self.title.setText("Patterns: reading…")

    def _on_list_activated(self, item: QListWidgetItem) -> None:
        numbers: tuple[str, ...] = item.data(Qt.ItemDataRole.UserRole) or ()
        self.claims.clear()
        self.claims.addItems(list(numbers))
        self.title.setText(f"Patterns: {len(self.found)} found. {len(numbers)} claims behind "
                           "the one picked, on the right; Enter opens one.")
        if numbers:
            self.claims.setCurrentRow(0)
            self.claims.setFocus()

    def _on_claims_activated(self, item: QListWidgetItem) -> None:
        self.ctx.navigate.emit("ClaimDetailScreen", item.text())


def show_patterns(screen: DashboardScreen, data: Dashboard, filters: Mapping[str, str]) -> None:
    """The dashboard's hook once its figures are shown: the panel (a tab beside the figures,
    made the first time) reads the patterns for the same range and filter."""
    panel = screen.findChild(PatternsPanel)
    if panel is None:
        panel = PatternsPanel(screen.ctx)
        _tab_beside_figures(screen, panel)
    panel.load(data.since, data.until, filters)


def _tab_beside_figures(screen: DashboardScreen, panel: PatternsPanel) -> None:
    """Put the figures and the patterns in two tabs where the figures were: the page is full
    at 1366×768, so the patterns take the figures' room rather than some of their own."""
    had_focus = screen.figures.hasFocus()
    tabs = QTabWidget()
    tabs.setObjectName("dashboardTabs")
    layout = screen.layout()
    row = _row_of(layout, screen.figures)
    if row is None:  # the dashboard laid out otherwise: the patterns go at the page's end
        assert isinstance(layout, QBoxLayout)
        layout.addWidget(panel)
        return
    row.replaceWidget(screen.figures, tabs)
    tabs.addTab(screen.figures, FIGURES)
    tabs.addTab(panel, PATTERNS)
    panel.counted.connect(lambda words: tabs.setTabText(tabs.indexOf(panel), words))
    # Ctrl+Tab (or a click) onto the patterns puts the keys on their list, ready for Enter.
    tabs.currentChanged.connect(
        lambda index: panel.list.setFocus() if tabs.widget(index) is panel else None)
    if had_focus:
        screen.figures.setFocus()


def _row_of(layout: QLayout | None, widget: QWidget) -> QLayout | None:
    """The layout, within `layout`, that holds `widget` itself."""
    if layout is None:
        return None
    if layout.indexOf(widget) >= 0:
        return layout
    for n in range(layout.count()):
        item = layout.itemAt(n)
        found = _row_of(item.layout() if item is not None else None, widget)
        if found is not None:
            return found
    return None
