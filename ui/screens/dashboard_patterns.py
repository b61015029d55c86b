"""The dashboard's Patterns panel: serials, customers and faults claimed again, and models and
staff standing out, read after the figures; Enter on one lists its claims, Enter on a claim
opens it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ui.widgets.labels import Label
from warranty_desk.rules.metrics.patterns import KIND_WORDS, MODEL_TEST, STAFF_TEST, Pattern
from warranty_desk.services.pattern_rows import patterns

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.screens.dashboard import DashboardScreen
    from warranty_desk.services.dashboard import Dashboard

# The panel takes this share of the row the figures are in (the figures have 3, their list 1).
STRETCH = 2


class PatternsPanel(QWidget):
    """The patterns for the range and filter the figures were read with."""

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
        self.claims_title = Label("Enter on a pattern lists its claims here.")
        self.claims_title.setObjectName("subtle")
        self.claims_title.setWordWrap(True)
        self.claims = QListWidget()
        self.claims.setObjectName("dashboardPatternClaims")
        self.tests = Label(f"{MODEL_TEST} {STAFF_TEST}")
        self.tests.setObjectName("subtle")
        self.tests.setWordWrap(True)
        for widget, stretch in ((self.title, 0), (self.list, 3), (self.claims_title, 0),
                                (self.claims, 1), (self.tests, 0)):
            layout.addWidget(widget, stretch)
        self.list.itemActivated.connect(self._on_list_activated)
        self.claims.itemActivated.connect(self._on_claims_activated)
        ctx.signed_out.connect(self.clear)

    def load(self, since: date, until: date, filters: Mapping[str, str]) -> None:
        """Read the patterns off the GUI thread (the figures are shown already)."""
        actor = self.ctx.require_actor()
        self.asked += 1
        asked, wanted = self.asked, dict(filters)
        self.title.setText("Patterns: reading…")

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
            item = QListWidgetItem(f"{KIND_WORDS[pattern.kind]}: {pattern.reason}")
            item.setData(Qt.ItemDataRole.UserRole, pattern.claims)
            self.list.addItem(item)
        self.title.setText(f"Patterns: {len(found)} found (Enter lists a pattern's claims)."
                           if found else "Patterns: none found for this range and filter.")
        self.claims_title.setText("Enter on a pattern lists its claims here.")

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
        self.claims_title.setText(f"{len(numbers)} claims behind it (Enter opens one).")
        if numbers:
            self.claims.setCurrentRow(0)
            self.claims.setFocus()

    def _on_claims_activated(self, item: QListWidgetItem) -> None:
        self.ctx.navigate.emit("ClaimDetailScreen", item.text())


def show_patterns(screen: DashboardScreen, data: Dashboard, filters: Mapping[str, str]) -> None:
    """The dashboard's hook once its figures are shown: the panel (placed beside the figures
    the first time) reads the patterns for the same range and filter."""
    panel = screen.findChild(PatternsPanel)
    if panel is None:
        panel = PatternsPanel(screen.ctx)
        _beside_figures(screen, panel)
    panel.load(data.since, data.until, filters)


def _beside_figures(screen: DashboardScreen, panel: QWidget) -> None:
    page = screen.layout()
    assert isinstance(page, QBoxLayout)  # the screen's page_layout
    for n in range(page.count()):
        item = page.itemAt(n)
        row = item.layout() if item is not None else None
        if isinstance(row, QBoxLayout) and row.indexOf(screen.figures) >= 0:
            row.addWidget(panel, STRETCH)
            return
    page.addWidget(panel, STRETCH)
