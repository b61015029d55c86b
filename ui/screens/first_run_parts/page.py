"""What every step page of the first-run setup has: its fields, its draft, and its save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.widgets.labels import Label
from warranty_desk.config import Settings
from warranty_desk.services.first_run_progress import Progress

if TYPE_CHECKING:  # the shop's services load when the setup is first shown, not at every start
    from warranty_desk.services.shop_settings import ShopView


@dataclass(frozen=True, slots=True)
class SetupState:
    """What the setup reads off the GUI thread before showing a step."""

    progress: Progress
    shop: ShopView
    settings: Settings


class StepPage(QWidget):
    """One step: filled from the saved state, saved by a blocking call run off the GUI thread."""

    step = ""
    title = ""
    intro = ""
    # Tests (scanner, printer) may be skipped; the other steps must be saved.
    skippable = False

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        intro = Label(self.intro)
        intro.setWordWrap(True)
        intro.setObjectName("subtle")
        self.box.addWidget(intro)
        self.form = QFormLayout()
        self.box.addLayout(self.form)

    def fill(self, state: SetupState) -> None:
        """Show what was saved or typed before."""

    def draft(self) -> dict[str, str]:
        """What is typed now, kept when the person goes back or closes the app."""
        return {}

    def save_work(self) -> Callable[[], Progress]:
        """The blocking save of this step (checks first; raises BadInput in plain words)."""
        raise NotImplementedError

    def skip_work(self) -> Callable[[], Progress]:
        """The blocking save of a skipped test."""
        raise NotImplementedError

    def first_field(self) -> QWidget:
        """Where the cursor goes when the step is shown."""
        return self

    def take_scan(self, text: str) -> bool:
        """A scanner read while this step shows; False when the step does not want it."""
        return False

    def take_enter(self) -> bool:
        """Enter pressed on this step; True when the step used it (not the next step)."""
        return False
