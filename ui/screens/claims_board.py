"""The claims board: counts per state, filters, and the claims oldest-open first."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QTabBar,
    QTableView,
)

from ui.context import AppContext
from ui.keys import bind_key, bind_tab_keys
from ui.screens.base import Screen
from ui.widgets.column_fit import AsideLine, fit_width, fitter
from ui.widgets.labels import Label
from ui.wording import CHANNEL_WORDS, in_words, outcome_shown
from warranty_desk.permissions import Permission
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.services.board import (
    OPEN,
    STATE_LABELS,
    Board,
    BoardFilters,
    ClaimRow,
    board,
)
from warranty_desk.services.claim_common import CHANNELS

Index = QModelIndex | QPersistentModelIndex
# Typing pauses this long before the search runs, so each key press does not query.
SEARCH_DELAY_MS = 300
# (tab data, words): the open claims first because that is the day's work.
TABS: tuple[tuple[str | None, str], ...] = (
    (OPEN, "Open"), *((s, STATE_LABELS[s]) for s in STATE_LABELS), (None, "All"))
# Overdue rows: a pale red band, and the word OVERDUE in the text so colour is never alone.
OVERDUE_BACKGROUND = QColor("#ffebe9")
OVERDUE_FOREGROUND = QColor("#82071e")
# An open claim nobody owns: an amber band, and the words NO OWNER so colour is never alone.
UNOWNED_BACKGROUND = QColor("#fff8c5")
UNOWNED_FOREGROUND = QColor("#6a4a00")
UNOWNED_WORDS = "⚠ NO OWNER"
# The owner filter's fixed choices: anyone, then the open claims nobody owns.
UNOWNED = "__unowned__"


def age_words(days: int) -> str:
    """An age as people say it."""
    if days <= 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


class ClaimTableModel(QAbstractTableModel):
    """Board rows for a QTableView; the number of the claim on each row under UserRole.

    What a person acts on comes first (which claim, its state, when it was promised and
    whether that is past, how old it is, whose, whose unit, what). When the window is too
    narrow for all, the columns at the end step aside, last first (SPARE), and the row's
    tooltip lists them; the claim's own screen has them all.
    """

    COLUMNS = ("Claim", "State", "Promised", "Age", "Owner", "Customer", "Product", "Serial",
               "Opened", "Channel", "Backup")
    # At the counter the customer in front asks about their claim: their name and the product
    # stay longer than the age (the promise says more) and the owner (the manager's question,
    # also in the owner filter and, for a claim nobody owns, the amber band and the count).
    SPARE = ("Backup", "Channel", "Opened", "Serial", "Age", "Owner")
    # Names can be long: cut at this width (the tooltip has them whole) so the columns after
    # them stay in view; with too little room they are cut shorter. Numbers, states and dates
    # are never cut.
    CAPPED: ClassVar[dict[str, int]] = {"Owner": 100, "Customer": 130, "Product": 140}

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[ClaimRow, ...] = ()

    def set_rows(self, rows: tuple[ClaimRow, ...]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_at(self, row: int) -> ClaimRow:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def _text(self, r: ClaimRow, column: int) -> str:
        name = self.COLUMNS[column]
        if name == "Promised":
            promised = str(r.promised_on) if r.promised_on else "—"
            return f"⚠ OVERDUE  {promised}" if r.overdue else promised
        values = {
            # A customer's message nobody has opened the claim for: the counter must see it.
            "Claim": r.number + (f"  ✉ {r.unread} new" if r.unread else ""),
            "State": STATE_LABELS.get(r.state, r.state)
            + (f" ({shown})" if (shown := outcome_shown(r.state, r.outcome)) else "")
            # The brand has said nothing for too long: someone should chase it.
            + (f"  ⏳ {r.stale_brand_claim} stale" if r.stale_brand_claim else ""),
            "Age": age_words(r.age_days), "Opened": str(r.opened_on),
            "Customer": r.customer or "—",
            # The brand only where the product's name does not start with it already.
            "Product": r.product + (f" ({r.brand})" if r.brand and not r.product.casefold()
                                    .startswith(r.brand.casefold()) else ""),
            "Serial": r.serial or "—", "Channel": in_words(CHANNEL_WORDS, r.channel),
            "Owner": UNOWNED_WORDS if r.unowned else (r.assignee or "—"),
            "Backup": r.backup or "—"}
        return values[name]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return r.number
        name = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "Promised" and r.overdue:
                return f"Promised for {r.promised_on}; the customer is waiting past that date."
            if name == "Owner" and r.unowned:
                return "Nobody answers for this claim yet: a manager gives it an owner."
            return self._text(r, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and (r.overdue or r.unowned):
            return QBrush(OVERDUE_BACKGROUND if r.overdue else UNOWNED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and (r.overdue or r.unowned):
            return QBrush(OVERDUE_FOREGROUND if r.overdue else UNOWNED_FOREGROUND)
        if role == Qt.ItemDataRole.TextAlignmentRole and name == "Age":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ClaimsBoardScreen(Screen):
    """Every claim by state, narrowed by brand, channel, owner (or none), age or a search."""

    title = "Claims"
    shortcut = "F4"
    permission = Permission.LOOKUP
    help_keys = (
        ("Enter / double-click", "Open the selected claim"),
        ("Enter in the search", "Search; a search that finds one claim opens it"),
        ("Ctrl+F", "Search: claim number (or its last digits), serial, phone or customer name"),
        ("Esc", "Clear the search"),
        ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous state tab"),
        ("Ctrl+R", "Reload the board"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.tabs = QTabBar()
        self.tabs.setObjectName("stateTabs")
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for data, words in TABS:
            self.tabs.setTabData(self.tabs.addTab(words), data)
        layout.addWidget(self.tabs)
        filters = self._filter_row()
        # The search on a row of its own: beside four filters at 1024 px it showed "S…".
        layout.addWidget(self.search)
        layout.addLayout(filters)
        self.status = Label("")
        self.status.setObjectName("subtle")
        layout.addWidget(self.status)
        self.model = ClaimTableModel()
        self.table = QTableView()
        self.table.setObjectName("claimsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        fit_width(self.table, spare=ClaimTableModel.SPARE, cut=tuple(ClaimTableModel.CAPPED),
                  caps=ClaimTableModel.CAPPED)
        layout.addWidget(self.table, 1)
        # The chosen claim's columns that stepped aside for want of width, in words.
        self.aside = AsideLine(self.table)
        self.aside.setObjectName("claimAside")
        layout.addWidget(self.aside)
        hint = Label("Enter opens the claim  ·  Ctrl+F search  ·  Ctrl+R reload")
        hint.setObjectName("subtle")
        layout.addWidget(hint)
        self.result: Board | None = None
        self._generation = 0
        self._open_single = -1  # the load started by Enter in the search
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._connect_signals()

    def _filter_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.brand = QComboBox()
        self.brand.setObjectName("brandFilter")
        self.brand.addItem("All brands", None)
        self.channel = QComboBox()
        self.channel.setObjectName("channelFilter")
        self.channel.addItem("All channels", None)
        for channel in CHANNELS:
            self.channel.addItem(channel.replace("_", " ").capitalize(), channel)
        self.assignee = QComboBox()
        self.assignee.setObjectName("assigneeFilter")
        self.assignee.addItem("Anyone", None)
        self.assignee.addItem("Unowned", UNOWNED)
        self.age = QSpinBox()
        self.age.setObjectName("ageFilter")
        self.age.setRange(0, 3650)
        self.age.setPrefix("Age ≥ ")
        self.age.setSuffix(" days")
        self.age.setSpecialValueText("Any age")
        self.search = QLineEdit()
        self.search.setObjectName("boardSearch")
        self.search.setClearButtonEnabled(True)
        # F1 says the rest (the claim's last digits).
        self.search.setPlaceholderText("Search: claim, serial, phone or name")
        for widget in (self.brand, self.channel, self.assignee, self.age):
            row.addWidget(widget, 1)
        return row

    def _connect_signals(self) -> None:
        # Filters and tabs reload at once; typing waits for a pause.
        self.tabs.currentChanged.connect(lambda _n: self.refresh())
        for combo in (self.brand, self.channel, self.assignee):
            combo.currentIndexChanged.connect(lambda _n: self.refresh())
        self.age.valueChanged.connect(lambda _n: self.refresh())
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._on_search_return)
        self._search_timer.timeout.connect(self.refresh)
        # Opening a claim: Enter or double-click on a row.
        self.table.activated.connect(self._on_table_activated)
        # Other screens and workers changing claims.
        self.ctx.data_changed.connect(self._on_ctx_data_changed)
        bind_key(self, "Ctrl+F", self._focus_search)
        # Not F5: that key opens the Returns desk from every screen.
        bind_key(self, "Ctrl+R", self.refresh)
        bind_key(self, "Esc", self._clear_search)
        bind_tab_keys(self, self.tabs)

    def filters(self) -> BoardFilters:
        """What the filter row and the current tab ask for."""
        owner = self.assignee.currentData()
        return BoardFilters(
            state=self.tabs.tabData(self.tabs.currentIndex()), brand=self.brand.currentData(),
            assignee=None if owner == UNOWNED else owner, unowned=owner == UNOWNED,
            channel=self.channel.currentData(),
            min_age_days=self.age.value() or None, search=self.search.text().strip())

    def activated(self) -> None:
        self.table.setFocus()
        self.refresh()

    def open(self, payload: object) -> None:
        # Another screen can open the board on a search (a customer's name, a serial).
        if isinstance(payload, str) and payload.strip() != self.search.text():
            self.search.setText(payload.strip())
            self.refresh()

    def handle_scan(self, text: str) -> bool:
        self.search.setText(text.strip())
        self.refresh()
        return True

    def clear_for_sign_out(self) -> None:
        # Back to the open claims with no filter, and no rows until the next person opens it.
        self._generation += 1  # a board still loading is for the last person
        self._open_single = -1
        self._search_timer.stop()
        for widget in (self.tabs, self.brand, self.channel, self.assignee, self.age, self.search):
            widget.blockSignals(True)
        self.tabs.setCurrentIndex(0)
        for combo in (self.brand, self.channel, self.assignee):
            combo.setCurrentIndex(0)
        self.age.setValue(0)
        self.search.clear()
        for widget in (self.tabs, self.brand, self.channel, self.assignee, self.age, self.search):
            widget.blockSignals(False)
        for n, (_data, words) in enumerate(TABS):
            self.tabs.setTabText(n, words)
        self.model.set_rows(())
        self.result = None
        self.status.setText("")

    def _on_search_return(self) -> None:
        # Enter on a search that finds one claim opens it: the number was what they wanted.
        self._open_single = self._generation + 1  # the load refresh() is about to start
        self.refresh()

    def refresh(self) -> None:
        """Load the board for the current filters off the GUI thread."""
        if self.ctx.actor is None:
            return
        self._search_timer.stop()
        self._generation += 1
        generation = self._generation
        actor, filters = self.ctx.actor, self.filters()
        self.status.setText("Loading…")
        self.ctx.run(lambda: board(self.ctx.db, actor, filters),
                     lambda result: self._on_board_loaded(generation, result))

    def _on_board_loaded(self, generation: int, result: Board) -> None:
        # A newer request is on its way: this answer is for filters no longer shown.
        if generation != self._generation:
            return
        self.result = result
        self._show_counts(result)
        self._fill_combo(self.brand, result.brands)
        self._fill_combo(self.assignee, result.assignees, fixed=2)
        keep = self.current_number()
        self.model.set_rows(result.rows)
        fitter(self.table).fit()
        numbers = [r.number for r in result.rows]
        self.table.selectRow(numbers.index(keep) if keep in numbers else 0)
        overdue = sum(1 for r in result.rows if r.overdue)
        unread = sum(1 for r in result.rows if r.unread)
        stale = sum(1 for r in result.rows if r.stale_brand_claim)
        unowned = (f"  ·  ⚠ {result.unowned} open with no owner" if result.unowned else "")
        shown = len(result.rows)
        words = (f"{result.total} claim{'s' if result.total != 1 else ''}" if shown == result.total
                 else f"the first {shown} of {result.total} claims (narrow with a filter)")
        self.status.setText(f"Showing {words}"
                            + (f"  ·  ⚠ {overdue} overdue" if overdue else "") + unowned
                            + (f"  ·  ✉ {unread} with a customer's message unread"
                               if unread else "")
                            + (f"  ·  ⏳ {stale} in a stale brand claim" if stale else "")
                            + ("" if result.rows else "  ·  nothing matches these filters"))
        if self._open_single == generation and len(result.rows) == 1:
            self.ctx.navigate.emit("ClaimDetailScreen", result.rows[0].number)

    def _show_counts(self, result: Board) -> None:
        for n in range(self.tabs.count()):
            data = self.tabs.tabData(n)
            words = TABS[n][1]
            if data == OPEN:
                count = sum(result.counts.get(s, 0) for s in OPEN_STATES)
            elif data is None:
                count = sum(result.counts.values())
            else:
                count = result.counts.get(data, 0)
            self.tabs.setTabText(n, f"{words}  {count}")

    @staticmethod
    def _fill_combo(combo: QComboBox, names: tuple[str, ...], fixed: int = 1) -> None:
        # The first `fixed` choices (All, No owner) stay; the names after them follow the data.
        if [combo.itemData(n) for n in range(fixed, combo.count())] == list(names):
            return
        chosen = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > fixed:
            combo.removeItem(fixed)
        for name in names:
            combo.addItem(name, name)
        found = combo.findData(chosen)
        combo.setCurrentIndex(found if found >= 0 else 0)
        combo.blockSignals(False)

    def current_number(self) -> str | None:
        """The claim number on the selected row."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).number if index.isValid() else None

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.navigate.emit("ClaimDetailScreen", self.model.row_at(index.row()).number)

    def _on_ctx_data_changed(self, _what: str) -> None:
        # A hidden board catches up in activated(); only the one on screen reloads now.
        if self.isVisible():
            self.refresh()

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _clear_search(self) -> None:
        if self.search.text():
            self.search.clear()
            self.refresh()
        self.table.setFocus()

