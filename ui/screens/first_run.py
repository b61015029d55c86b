"""First start on a new install: the setup a shop walks through, one step a page, resumable.

Enter saves the step and goes on, Esc goes back (keeping what was typed), Tab reaches every
field. Each step is saved through the services in one go (warranty_desk/services/first_run.py),
so a setup closed half-way comes back at the step reached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext, ShopInfo, explain
from ui.scan_routing import type_into_focus
from ui.screens.first_run_parts.page import SetupState, StepPage
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from warranty_desk import config
from warranty_desk.errors import WarrantyDeskError
from warranty_desk.services.first_run_progress import DONE, STEPS, Progress, progress

if TYPE_CHECKING:
    from warranty_desk.services.shop_settings import ShopView

log = logging.getLogger(__name__)
# The widest a step's fields grow, in pixels.
PAGE_WIDTH = 1000
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def read_state(ctx: AppContext) -> SetupState:
    """Blocking: the setup's progress, the shop row and this till's settings."""
    from warranty_desk.services import shop_settings

    return SetupState(progress(ctx.db), shop_settings.get_shop(ctx.db),
                      config.load(ctx.home).settings)


class FirstRunScreen(QWidget):
    """Shown while the shop's setup is not finished (a new shop, or one left half-way)."""

    created = Signal()  # the setup is finished: someone can sign in

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(60, 24, 60, 24)
        title = Label("Welcome to Warranty Desk: setting up the shop")
        title.setObjectName("heading")
        layout.addWidget(title)
        self.where = Label("")
        self.where.setObjectName("setupStep")
        layout.addWidget(self.where)
        # Built when the setup is first shown: a shop set up long ago never pays for them.
        self.steps: list[StepPage] = []
        self.pages = QStackedWidget()
        # Lines of a readable length on a wide till screen; the form stays at the top.
        self.pages.setMaximumWidth(PAGE_WIDTH)
        layout.addWidget(self.pages, 1)
        self.message = Label("")
        self.message.setObjectName("notice")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.back_button = QPushButton("Back  (Esc)")
        self.skip_button = QPushButton("Skip this test")
        self.next_button = QPushButton("Save and go on  (Enter)")
        self.next_button.setObjectName("primary")
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.skip_button)
        row.addWidget(self.next_button)
        layout.addLayout(row)
        self.state: SetupState | None = None
        self.saving = False
        self.back_button.clicked.connect(self.go_back)
        self.skip_button.clicked.connect(self.skip)
        self.next_button.clicked.connect(self.go_on)

    def _build_steps(self) -> None:
        if self.steps:
            return
        # The pages and the services they save through load here, when a setup is shown,
        # not at every start of a shop set up long ago.
        from ui.screens.first_run_parts.device_pages import PrinterPage, ScannerPage
        from ui.screens.first_run_parts.head_office import HeadOfficePage
        from ui.screens.first_run_parts.owner_policies import OwnerPage, PoliciesPage
        from ui.screens.first_run_parts.shop_pages import BranchPage, ShopPage

        ctx = self.ctx
        self.steps = [ShopPage(ctx), BranchPage(ctx), OwnerPage(ctx), PoliciesPage(ctx),
                      ScannerPage(ctx), PrinterPage(ctx), HeadOfficePage(ctx)]
        assert [p.step for p in self.steps] == list(STEPS)
        for page in self.steps:
            page.box.addStretch(1)
            self.pages.addWidget(page)
        self.show_step(STEPS[0])

    # --- Showing -----------------------------------------------------------------------------

    @property
    def page(self) -> StepPage:
        page = self.pages.currentWidget()
        assert isinstance(page, StepPage)
        return page

    def refresh(self) -> None:
        """Read where the setup stands and show that step, filled with what was typed."""
        self._build_steps()
        self.ctx.run(lambda: read_state(self.ctx), self._on_state_read, self._show_error)

    def _on_state_read(self, state: SetupState) -> None:
        self.state = state
        if state.progress.finished:
            self.created.emit()
            return
        for page in self.steps:
            page.fill(state)
        self.show_step(state.progress.step)

    def show_step(self, step: str) -> None:
        index = STEPS.index(step) if step in STEPS else 0
        page = self.steps[index]
        self.pages.setCurrentWidget(page)
        self.where.setText(f"Step {index + 1} of {len(STEPS)}: {page.title}")
        self.back_button.setEnabled(index > 0)
        self.skip_button.setVisible(page.skippable)
        self.next_button.setText("Finish the setup  (Enter)" if index == len(STEPS) - 1
                                 else "Save and go on  (Enter)")
        self.message.hide()
        page.first_field().setFocus()

    def _show_error(self, exc: BaseException) -> None:
        self.saving = False
        show_level(self.message, explain(exc, self.ctx.home)[0], "error")
        self.message.show()

    # --- Acting ------------------------------------------------------------------------------

    def _save(self, work: Callable[[], Progress]) -> None:
        if self.saving:
            return  # Enter held down, or pressed twice while the step saves
        self.saving = True
        self.ctx.run(work, self._on_saved, self._show_error)

    def _on_saved(self, done: Progress) -> None:
        self.saving = False
        if done.step == DONE or done.finished:
            db = self.ctx.db
            from warranty_desk.services import shop_settings

            self.ctx.run(lambda: shop_settings.get_shop(db), self._on_finished,
                         self._show_error)
            return
        if self.state is not None:
            self.state = SetupState(done, self.state.shop, self.state.settings)
            # Later steps read what earlier ones saved (the shop's name on the test page).
            self.ctx.run(lambda: read_state(self.ctx), self._on_refilled)
        self.show_step(done.step)

    def _on_finished(self, view: ShopView) -> None:
        # Screens read the shop through the context, and the till's devices and sync read the
        # settings the last steps wrote: both as the setup left them, before anyone signs in.
        self.ctx.shop = ShopInfo(view.name, view.branch_code, view.timezone, view.locale,
                                 view.currency)
        self.ctx.data_changed.emit("config")
        self.created.emit()

    def _on_refilled(self, state: SetupState) -> None:
        self.state = state
        current = self.page
        for page in self.steps[self.steps.index(current) + 1:]:
            page.fill(state)

    def go_on(self) -> None:
        """Save the step shown and go on to the next."""
        self._save(self.page.save_work())

    def skip(self) -> None:
        """Skip a test step (scanner, printer): it is noted as skipped."""
        if self.page.skippable:
            self._save(self.page.skip_work())

    def go_back(self) -> None:
        """Back one step, keeping what was typed in this one (not saving it)."""
        index = self.steps.index(self.page)
        if index == 0 or self.saving:
            return
        from warranty_desk.services import first_run  # loaded with the pages already

        step, draft, db = self.page.step, self.page.draft(), self.ctx.db
        self.ctx.run(lambda: first_run.keep_draft(db, step, draft),
                     lambda _done: None, self._show_error)
        self.show_step(STEPS[index - 1])

    def keep_typing(self) -> None:
        """Keep what is typed in the step shown (the app is closing)."""
        if self.state is None or self.state.progress.finished or self.ctx.db.refusal:
            return  # a damaged file is never written to; the banner has said so
        from warranty_desk.services import first_run  # loaded with the pages already

        try:
            first_run.keep_draft(self.ctx.db, self.page.step, self.page.draft())
        except WarrantyDeskError as exc:
            # Closing goes on whatever happens (a damaged or full disk): only the typing of
            # this one step is lost, and the steps saved before are kept.
            log.info("The setup's typing was not kept on close: %s", exc)

    def handle_scan(self, text: str) -> bool:
        """A scanner read during the setup: the scanner test takes it, a field else."""
        if not self.steps:
            return type_into_focus(text)
        return self.page.take_scan(text) or type_into_focus(text)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.steps:
            self.page.first_field().setFocus()  # focus set while hidden is not kept

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if not self.steps:
            super().keyPressEvent(event)
            return
        if key in _ENTER:
            focus = QApplication.focusWidget()
            if isinstance(focus, QPushButton) and focus is not self.next_button:
                focus.click()  # Enter on Back, Skip or "Print a test page" presses it
            elif self.page.take_enter():
                pass
            else:
                self.go_on()
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.go_back()
            event.accept()
            return
        super().keyPressEvent(event)
