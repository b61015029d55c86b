"""The first window: the app is there at once, opening the shop, updating it, or saying why not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from warranty_desk.storage.home import Home

if TYPE_CHECKING:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QVBoxLayout, QWidget


class StartWindow(QMainWindow):
    """What the person sees in the first moments, before the shop is open.

    Only the heading is made at once: this window is the first-window budget (≤ 1.5x an empty
    one), and the rest is needed only for an update or a failure.
    """

    def __init__(self, home: Home) -> None:
        super().__init__()
        self.setWindowTitle("Warranty Desk")
        # A bare label as the whole window, and nothing else of Qt imported: PySide readies
        # each class on first use (the Qt namespace of enums alone costs 14 ms), so the rest
        # waits until there is more to show.
        self.heading = QLabel(f"Opening the shop in {home.root} …")
        self.heading.setObjectName("heading")
        self.heading.setMargin(40)
        self.setCentralWidget(self.heading)
        # Smaller than any screen the app runs on (1024×768 with a taskbar): the main window
        # then opens fitted to the screen's work area.
        self.resize(960, 600)
        self._layout: QVBoxLayout | None = None
        self.detail: QLabel | None = None
        self.busy: QWidget | None = None
        self.quit_button: QWidget | None = None

    def _body(self) -> QVBoxLayout:
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        if self._layout is None:
            body = QWidget()
            self._layout = QVBoxLayout(body)
            self._layout.setContentsMargins(40, 40, 40, 40)
            self.takeCentralWidget()  # the heading moves into the body, above what follows
            self.heading.setMargin(0)
            self.heading.setWordWrap(True)
            self._layout.addWidget(self.heading)
            self._layout.addStretch(1)
            self.setCentralWidget(body)
            body.show()
        return self._layout

    def _add(self, widget: QWidget, alignment: Qt.AlignmentFlag | None = None) -> None:
        # Below what is already there, above the stretch that keeps it all at the top.
        layout = self._body()
        at = layout.count() - 1
        if alignment is None:
            layout.insertWidget(at, widget)
        else:
            layout.insertWidget(at, widget, 0, alignment)
        widget.show()  # a child added to a window already on screen is not shown by itself

    def _show_detail(self, heading: str, detail: str) -> None:
        from PySide6.QtCore import Qt

        self.heading.setText(heading)
        if self.detail is None:
            self.detail = QLabel()
            self.detail.setWordWrap(True)
            self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._add(self.detail)
        self.detail.setText(detail)

    def show_progress(self, heading: str, detail: str) -> None:
        """Long work under way: what it is, and a moving bar."""
        from PySide6.QtWidgets import QProgressBar

        self._show_detail(heading, detail)
        if self.busy is None:
            bar = QProgressBar()
            bar.setRange(0, 0)  # no steps to count: a moving bar says it is working
            bar.setTextVisible(False)
            self.busy = bar
            self._add(bar)
        self.busy.show()

    def show_problem(self, heading: str, detail: str) -> None:
        """The shop cannot be opened: what went wrong, what to do, and a way out."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QPushButton

        from ui.keys import bind_key

        self._show_detail(heading, detail)
        if self.busy is not None:
            self.busy.hide()
        if self.quit_button is None:
            button = QPushButton("Close  (Esc)")
            # Styled bold as the primary action from the start (bold only once default, its
            # text was cut at the ends).
            button.setObjectName("primary")
            button.setDefault(True)
            button.clicked.connect(self._quit)
            bind_key(self, Qt.Key.Key_Escape, self._quit)
            self.quit_button = button
            self._add(button, Qt.AlignmentFlag.AlignLeft)
        self.quit_button.setFocus()

    def _quit(self) -> None:
        self.close()
        QApplication.quit()
