"""Changes to the claim shown: moves, decisions, costs and evidence, run off the GUI thread.

A change refused by a rule a manager may pass waits here, ready to run again with the
manager's approval (Ctrl+O). Dialogs open with open(), not exec(): scans and the auto-lock
keep working while one is up.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ui.context import AppContext
from ui.money import money
from ui.screens.claim_detail_parts.decision_bar import DONE_WORDS, DecisionBar
from ui.screens.claim_detail_parts.evidence_tab import FILE_FILTER
from ui.widgets.cost_dialog import CostDialog
from ui.widgets.decision_dialog import DecisionDialog
from ui.widgets.override_dialog import OverrideDialog
from warranty_desk.errors import RuleBlocked
from warranty_desk.permissions import Permission
from warranty_desk.rules.claim_states import ClaimState, evidence_label
from warranty_desk.services import claims, decisions
from warranty_desk.services.board import STATE_LABELS, ClaimDetail
from warranty_desk.services.claim_common import Override
from warranty_desk.services.claims import ClaimSummary
from warranty_desk.services.decisions import Decision
from warranty_desk.storage.documents import DocumentStore

# A change to the claim, run again with the approval when a manager overrides a rule.
Attempt = Callable[[Override | None], ClaimSummary]


class ClaimActions(QObject):
    """Emits `changed(done words)` after a change went through; the screen reloads then."""

    changed = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget, bar: DecisionBar,
                 kind: Callable[[], str]) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self._bar = bar
        self._kind = kind  # the evidence kind new files are attached as
        self.detail: ClaimDetail | None = None
        self.dialog: Any = None  # the dialog open now, if any (tests and scans reach it here)
        self._pending: tuple[str, str, Attempt] | None = None  # what, done words, attempt

    def forget(self) -> None:
        """Another claim is shown: nothing waits for an override any more."""
        self._pending = None
        self._bar.blocked_panel.hide()

    # --- Moves and decisions --------------------------------------------------------------------

    def start_move(self, target: str) -> None:
        """A move button: advance at once, or open the decision dialog for a decision."""
        if self.detail is None or self.ctx.actor is None:
            return
        number, actor, today = self.detail.number, self.ctx.actor, self.ctx.today()
        if target in ("resolved", "rejected"):
            option = next(o for o in self.detail.moves if o.target == target)
            dialog = DecisionDialog(number, reject=target == "rejected",
                                    previews={p.template: p for p in option.previews},
                                    parent=self._parent)
            dialog.decided.connect(self._on_dialog_decided)
            self._show_dialog(dialog)
            return
        state = ClaimState(target)

        def attempt(override: Override | None) -> ClaimSummary:
            return claims.advance(self.ctx.db, actor, number, state, today=today,
                                  override=override)

        self.run_action(f"Moving claim {number} to {STATE_LABELS[target].lower()}",
                        f"Claim {number} {DONE_WORDS.get(target, 'moved')}.", attempt)

    def _on_dialog_decided(self, decision: Decision) -> None:
        if self.detail is None or self.ctx.actor is None:
            return
        number, actor, today = self.detail.number, self.ctx.actor, self.ctx.today()
        words = ("rejected" if decision.outcome.value == "reject"
                 else f"resolved: {decision.outcome.value}")

        def attempt(override: Override | None) -> ClaimSummary:
            return decisions.decide(self.ctx.db, actor, number, decision, today=today,
                                    override=override)

        self.run_action(f"Deciding claim {number} ({decision.outcome.value})",
                        f"Claim {number} {words}. The customer's message is queued.", attempt)

    # --- Running a change, and the override -----------------------------------------------------

    def run_action(self, what: str, done: str, attempt: Attempt,
                   override: Override | None = None) -> None:
        """Run a change off the GUI thread; a blocked rule offers the manager override."""
        self._pending = (what, done, attempt)
        self._bar.blocked_panel.hide()
        self.ctx.run(lambda: attempt(override), lambda _s: self._done(done),
                     self._on_action_failed)

    def _on_action_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RuleBlocked):
            self._pending = None
            self.ctx.report(exc)
            return
        self._bar.show_blocked(str(exc), exc.overridable)
        if not exc.overridable:
            self._pending = None
        self.ctx.notice.emit(str(exc), "warning")

    def override(self) -> None:
        """Ctrl+O: a manager approves the change that was blocked."""
        if self._pending is None or not self._bar.blocked_panel.isVisible():
            self.ctx.notice.emit("Nothing is waiting for an override.", "info")
            return
        what, done, attempt = self._pending
        dialog = OverrideDialog(self.ctx, f"{what} needs a manager's approval.",
                                self._bar.blocked_reason(), parent=self._parent)
        dialog.approved.connect(lambda override: self.run_action(what, done, attempt, override))
        self._show_dialog(dialog)

    def _done(self, done: str) -> None:
        self._pending = None
        self._bar.blocked_panel.hide()
        self.ctx.notice.emit(done, "success")
        self.changed.emit(done)

    def _show_dialog(self, dialog: Any) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()

    # --- Costs and evidence ---------------------------------------------------------------------

    def add_cost(self) -> None:
        """Ctrl+T: the cost dialog, for those who may post costs."""
        if self.detail is None or not self.ctx.may(Permission.POST_COST):
            return
        dialog = CostDialog(self._parent)
        dialog.accepted.connect(lambda: self._on_cost_dialog_accepted(dialog))
        self._show_dialog(dialog)

    def _on_cost_dialog_accepted(self, dialog: CostDialog) -> None:
        line = dialog.cost_line()
        if line is None or self.detail is None or self.ctx.actor is None:
            return
        number, actor = self.detail.number, self.ctx.actor
        self.run_action(f"Posting a cost on claim {number}",
                        f"{line.kind.capitalize()} cost of {money(line.amount_minor)} posted "
                        f"on claim {number}.",
                        lambda _o: decisions.post_cost(self.ctx.db, actor, number, line))

    def choose_evidence(self) -> None:
        """Ctrl+E: pick files to attach."""
        if self.detail is None or not self.ctx.may(Permission.ADD_EVIDENCE):
            return
        names, _filter = QFileDialog.getOpenFileNames(
            self._parent, "Add evidence", str(Path.home()), FILE_FILTER)
        if names:
            self.add_evidence_files([Path(n) for n in names])

    def add_evidence_files(self, paths: list[Path]) -> None:
        """Store the files and attach them to the claim as the kind chosen on the evidence tab."""
        if self.detail is None or self.ctx.actor is None or not paths:
            return
        if not self.ctx.may(Permission.ADD_EVIDENCE):
            self.ctx.notice.emit("Your role may not attach evidence.", "warning")
            return
        number, actor, kind = self.detail.number, self.ctx.actor, self._kind()
        store = DocumentStore(self.ctx.home.documents)

        def attach(_override: Override | None) -> ClaimSummary:
            summary: ClaimSummary | None = None
            for path in paths:
                stored = store.put_file(path)
                summary = claims.attach_evidence(
                    self.ctx.db, actor, number, kind=kind, sha256=stored.sha256,
                    media_type=stored.media_type, size=stored.size, original_name=path.name)
            assert summary is not None
            return summary

        count = f"{len(paths)} documents" if len(paths) > 1 else paths[0].name
        self.run_action(f"Attaching evidence to claim {number}",
                        f"Added {count} to claim {number} as {evidence_label(kind)}.", attach)
