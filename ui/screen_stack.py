"""The work area's screens: each imported and built the first time someone opens it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget

from ui.context import AppContext
from ui.screens.base import Screen
from ui.screens.registry import ScreenSpec


class ScreenStack(QStackedWidget):
    """Holds the screen specs and the screens built so far.

    Building every screen before sign-in cost more than the rest of the start together (their
    modules bring most services, printing and sync with them), and a till mostly lives on the
    counter: a screen is built when first asked for, and kept.
    """

    built = Signal(object)  # Screen: just built and added, for the window to wire

    def __init__(self, ctx: AppContext, specs: Sequence[ScreenSpec]) -> None:
        super().__init__()
        self.ctx = ctx
        self.specs: tuple[ScreenSpec, ...] = tuple(specs)
        self._screens: dict[str, Screen] = {}

    def spec(self, name: str) -> ScreenSpec | None:
        """The spec of the screen class with this name, if this window has that screen."""
        return next((s for s in self.specs if s.name == name), None)

    def available(self) -> list[ScreenSpec]:
        """The screens the signed-in person may open."""
        return [s for s in self.specs if s.available(self.ctx)]

    def listed(self) -> list[ScreenSpec]:
        """The screens in the navigation: those with a key (the others need a record to show)."""
        return [s for s in self.available() if s.shortcut]

    def screen_for(self, name: str) -> Screen:
        """The screen, built (and its module imported) if this is the first time it is needed."""
        screen = self._screens.get(name)
        if screen is None:
            spec = self.spec(name)
            if spec is None:
                raise KeyError(f"this window has no {name}")
            screen = spec.load()(self.ctx)
            self._screens[name] = screen
            self.addWidget(screen)
            self.built.emit(screen)
        return screen

    def built_screens(self) -> list[Screen]:
        """The screens built so far, in navigation order."""
        return [self._screens[s.name] for s in self.specs if s.name in self._screens]

    def current(self) -> Screen | None:
        """The screen on show, if any."""
        widget = self.currentWidget()
        return widget if isinstance(widget, Screen) else None
