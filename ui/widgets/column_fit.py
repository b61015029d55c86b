"""Fitting a list's columns into the width it has, so nobody at the counter scrolls sideways.

Each column is sized to its contents. When they do not all fit, long names give way to their
caps, the list's secondary columns step aside one by one (their words join the row's tooltip,
and an AsideLine under the list shows them for the chosen row), then the longest texts are
cut short (a cut cell's tooltip holds it whole). A wider window brings the columns back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QTableView, QToolTip

from ui.widgets.labels import Label

# Past this width a column's text is cut short (its tooltip has it whole), so one long reason
# or product name cannot take the room of the columns after it.
MAX_COLUMN_WIDTH = 320
# A cut column keeps at least this much (or its header's width, if less): a few letters and
# the ellipsis, enough to tell rows apart.
MIN_CUT_WIDTH = 72
# Rows measured for a column's width besides those in view: measuring a thousand took half a
# second, and a longer text further down is cut short with its tooltip.
MEASURED_ROWS = 200


class ColumnFit(QObject):
    """Keeps one table's columns inside its width, refitting when the table is resized.

    `spare`: header titles of the columns that step aside, first named first, when the others
    do not fit. `cut`: the titles whose text may be cut short (every column when empty);
    `caps`: widths some titles shrink to first, when not everything fits.
    """

    fitted = Signal()  # the columns shown may have changed

    def __init__(self, view: QTableView, spare: Sequence[str] = (), cut: Sequence[str] = (),
                 caps: dict[str, int] | None = None) -> None:
        super().__init__(view)
        self.setObjectName("columnFit")
        self.view = view
        self.spare = tuple(spare)
        self.cut = frozenset(cut)
        self.caps = dict(caps or {})
        self._width = -1
        self._fitting = False
        self._natural: dict[int, int] | None = None  # measured at fit(), kept for resizes
        view.horizontalHeader().setResizeContentsPrecision(MEASURED_ROWS)
        view.viewport().installEventFilter(self)
        model = view.model()
        if model is not None:  # new contents are measured again at the next fit
            for signal in (model.modelReset, model.dataChanged, model.rowsInserted,
                           model.layoutChanged):
                signal.connect(self._forget)

    def _forget(self, *_args: object) -> None:
        self._natural = None

    # --- Fitting ------------------------------------------------------------------------------

    def titles(self) -> list[str]:
        model = self.view.model()
        if model is None:
            return []
        return [str(model.headerData(n, Qt.Orientation.Horizontal) or "")
                for n in range(model.columnCount())]

    def fit(self, measure: bool = True) -> None:
        """Size the columns to their contents and make them fit the table's width (a resize
        fits the widths measured last without measuring again)."""
        if self._fitting:
            return
        self._fitting = True
        try:
            self._fit(measure)
        finally:
            self._fitting = False
        self.fitted.emit()

    def _measure(self, count: int) -> dict[int, int]:
        header = self.view.horizontalHeader()
        return {n: min(max(self.view.sizeHintForColumn(n), header.sectionSizeHint(n)),
                       MAX_COLUMN_WIDTH) for n in range(count)}

    def _fit(self, measure: bool) -> None:
        view, header = self.view, self.view.horizontalHeader()
        titles = self.titles()
        available = view.viewport().width()
        self._width = available
        if measure or self._natural is None or len(self._natural) != len(titles):
            self._natural = self._measure(len(titles))
        natural = self._natural
        # What gives way, in turn: the capped columns down to their caps, the spare columns
        # one by one, then the cuttable texts (_cut).
        widths = natural
        if sum(natural.values()) > available:
            widths = {n: min(w, self.caps.get(titles[n], w)) for n, w in natural.items()}
        hidden: set[int] = set()
        for name in self.spare:
            if sum(w for n, w in widths.items() if n not in hidden) <= available:
                break
            hidden |= {n for n, t in enumerate(titles) if t == name}
        shown = {n: w for n, w in widths.items() if n not in hidden}
        room = available - sum(shown.values())
        for n in shown:  # room left once columns stepped aside: capped ones take it back
            more = max(0, min(natural[n] - shown[n], room))
            shown[n] += more
            room -= more
        if room < 0:
            shown = self._cut(shown, titles, available)
        for n in range(len(titles)):
            view.setColumnHidden(n, n in hidden)
            if n in shown:
                header.resizeSection(n, shown[n])

    def _cut(self, shown: dict[int, int], titles: list[str], available: int) -> dict[int, int]:
        """Cut the widest cuttable columns down to one width, no lower than their floor,
        until the row fits (or nothing more can go)."""
        header = self.view.horizontalHeader()
        may = {n for n in shown if not self.cut or titles[n] in self.cut}
        floors = {n: min(shown[n], max(MIN_CUT_WIDTH, header.sectionSizeHint(n)))
                  for n in may}

        def total(cap: int) -> int:
            return sum(max(min(w, cap), floors[n]) if n in may else w
                       for n, w in shown.items())

        low, high = 0, max(shown.values(), default=0)
        while low < high:  # the widest cap that fits
            middle = (low + high + 1) // 2
            if total(middle) <= available:
                low = middle
            else:
                high = middle - 1
        return {n: max(min(w, low), floors[n]) if n in may else w for n, w in shown.items()}

    def hidden_titles(self) -> list[str]:
        """The columns that stepped aside for want of width."""
        return [t for n, t in enumerate(self.titles()) if self.view.isColumnHidden(n)]

    # --- Tooltips and resizing ----------------------------------------------------------------

    def aside(self, row: int, cut_short: bool = False) -> list[str]:
        """The words of a row's columns that stepped aside, each with its header (with
        `cut_short`, those of its cells cut short too)."""
        view, model = self.view, self.view.model()
        if model is None or not 0 <= row < model.rowCount():
            return []
        found = []
        for n, title in enumerate(self.titles()):
            index = model.index(row, n)
            words = model.data(index)
            cut = cut_short and view.sizeHintForIndex(index).width() > view.columnWidth(n)
            if words and (view.isColumnHidden(n) or cut):
                found.append(f"{title}: {words}")
        return found

    def row_tip(self, index: QModelIndex) -> str:
        """A cell's tooltip: its own (or its whole text), then the row's columns that stepped
        aside, each with its header."""
        model = self.view.model()
        if model is None or not index.isValid():
            return ""
        own = model.data(index, Qt.ItemDataRole.ToolTipRole)
        lines = [str(own if own is not None else model.data(index) or ""),
                 *self.aside(index.row())]
        return "\n".join(line for line in lines if line)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # An empty list is fitted too, when first shown: its headers read whole.
        if event.type() == QEvent.Type.Resize and self.view.viewport().width() != self._width:
            self.fit(measure=False)
        elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.view.indexAt(event.pos())
            tip = self.row_tip(index)
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.view.viewport(),
                                  self.view.visualRect(index))
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)


def fitter(view: QTableView) -> ColumnFit:
    """The table's fitter, made (with no spare columns) the first time it is asked for."""
    found = view.findChild(ColumnFit, "columnFit", Qt.FindChildOption.FindDirectChildrenOnly)
    return found if isinstance(found, ColumnFit) else ColumnFit(view)


def fit_width(view: QTableView, spare: Iterable[str] = (), cut: Iterable[str] = (),
              caps: dict[str, int] | None = None) -> ColumnFit:
    """Say which of the table's columns step aside first and which may be cut short."""
    fit = fitter(view)
    fit.spare, fit.cut, fit.caps = tuple(spare), frozenset(cut), dict(caps or {})
    return fit


class AsideLine(Label):
    """Under a list: the chosen row's columns that stepped aside or were cut short, whole, so
    the keyboard reaches them too (a tooltip needs the mouse). Hidden while nothing is."""

    def __init__(self, view: QTableView) -> None:
        super().__init__("")
        self.setObjectName("subtle")
        self.setWordWrap(True)
        self.hide()
        self.view = view
        self.fit = fitter(view)
        self.fit.fitted.connect(self.update_words)
        model = view.selectionModel()
        if model is not None:
            model.currentRowChanged.connect(lambda _now, _before: self.update_words())
        view.model().modelReset.connect(self.update_words)

    def update_words(self) -> None:
        words = self.fit.aside(self.view.currentIndex().row(), cut_short=True)
        self.setText("  ·  ".join(words))
        self.setVisible(bool(words))
