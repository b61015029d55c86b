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
from ui.screens.claim_detail_parts.evidence_tab import FILE_FILTER, proof_documents
from ui.screens.claim_detail_parts.proof_check import ProofCheckDialog
from ui.widgets.cost_dialog import MANUAL_COST_KINDS, CostDialog
from ui.widgets.decision_dialog import DecisionDialog
from ui.widgets.override_dialog import OverrideDialog
from ui.widgets.owner_dialog import OwnerDialog
from ui.widgets.reason_dialog import ReasonDialog
from ui.widgets.void_warranty import ask_to_void
from warranty_desk.errors import RuleBlocked
from warranty_desk.permissions import Permission
from warranty_desk.rules.claim_states import OPEN_STATES, ClaimState, evidence_label, target_words
from warranty_desk.services import claim_owners, claims, decisions, online_returns
from warranty_desk.services.claim_common import ONLINE, Override
from warranty_desk.services.claim_detail import ClaimDetail
from warranty_desk.services.claims import ClaimSummary
from warranty_desk.services.decisions import Decision
from warranty_desk.storage.documents import DocumentStore

# A change to the claim, run again with the approval when a manager overrides a rule.
Attempt = Callable[[Override | None], object]
APPROVE_RETURN_KEY = "Ctrl+Shift+I"  # I for the unit coming in; A answers a message


def return_due(d: ClaimDetail) -> bool:
    """Whether the claim is an online return still waiting for its approval (and label)."""
    return (d.channel == ONLINE and d.state in OPEN_STATES
            and all(e.kind != "return_approved" for e in d.timeline))


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
        self._bar.hide_blocked()

    # --- Moves and decisions --------------------------------------------------------------------

    def start_move(self, target: str) -> None:
        """A move button: advance at once, or open the decision dialog for a decision."""
        if self.detail is None or self.ctx.actor is None:
            return
        number, actor = self.detail.number, self.ctx.actor
        if target in ("resolved", "rejected"):
            option = next(o for o in self.detail.moves if o.target == target)
            dialog = DecisionDialog(number, reject=target == "rejected",
                                    previews={p.template: p for p in option.previews},
                                    parent=self._parent)
            dialog.decided.connect(self._on_dialog_decided)
            self.show_dialog(dialog)
            return
        state = ClaimState(target)

        def attempt(override: Override | None) -> ClaimSummary:
            return claims.advance(self.ctx.db, actor, number, state,
                                  override=override)

        self.run_action(f"Moving claim {number} to {target_words(state)}",
                        f"Claim {number} {DONE_WORDS.get(target, 'moved')}.", attempt)

    def _on_dialog_decided(self, decision: Decision) -> None:
        if self.detail is None or self.ctx.actor is None:
            return
        number, actor = self.detail.number, self.ctx.actor
        words = ("rejected" if decision.outcome.value == "reject"
                 else f"resolved: {decision.outcome.value}")

        def attempt(override: Override | None) -> ClaimSummary:
            return decisions.decide(self.ctx.db, actor, number, decision,
                                    override=override)

        self.run_action(f"Deciding claim {number} ({decision.outcome.value})",
                        f"Claim {number} {words}. The customer's message is queued.", attempt)

    # --- Running a change, and the override -----------------------------------------------------

    def run_action(self, what: str, done: str, attempt: Attempt,
                   override: Override | None = None) -> None:
        """Run a change off the GUI thread; a blocked rule offers the manager override."""
        self._pending = (what, done, attempt)
        self._bar.hide_blocked()
        self.ctx.run(lambda: attempt(override), lambda _s: self._done(done),
                     self._on_action_failed)

    def _on_action_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RuleBlocked):
            self._pending = None
            self.ctx.report(exc)
            return
        may_override = self.ctx.may(Permission.OVERRIDE_RULE)
        # Said once, in the panel by the moves (the notice bar would only repeat it), in the
        # rules' own words: the person just asked for this very change.
        what = self._pending[0] if self._pending else ""
        reason = (f"{what}: " + " ".join(exc.reasons)) if exc.reasons and what else str(exc)
        self._bar.show_blocked(reason, exc.overridable, may_override=may_override)
        if not exc.overridable:
            self._pending = None
        elif may_override:
            # A manager is the one who may pass the rule: the override opens at once.
            self.override()

    def override(self) -> None:
        """Ctrl+O: a manager approves the change that was blocked."""
        if self._pending is None or not self._bar.blocked_panel.isVisible():
            self.ctx.notice.emit("Nothing is waiting for an override.", "info")
            return
        what, done, attempt = self._pending
        blocks = self._bar.blocked_reason().removeprefix(f"{what}: ")
        dialog = OverrideDialog(self.ctx, f"{what} needs a manager's approval.", blocks,
                                parent=self._parent)
        dialog.approved.connect(lambda override: self.run_action(what, done, attempt, override))
        self.show_dialog(dialog)

    def _done(self, done: str) -> None:
        self._pending = None
        self._bar.hide_blocked()
        self.ctx.notice.emit(done, "success")
        self.changed.emit(done)

    def show_dialog(self, dialog: Any) -> None:
        """Open a dialog over the claim, the one tests and scans reach as `dialog`."""
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()

    # --- Costs and evidence ---------------------------------------------------------------------

    def add_cost(self, kinds: tuple[str, ...] = MANUAL_COST_KINDS) -> None:
        """Ctrl+T: the cost dialog, for those who may post costs (parts or labour alone too)."""
        if self.detail is None or not self.ctx.may(Permission.POST_COST):
            return
        dialog = CostDialog(self._parent, kinds)
        dialog.accepted.connect(lambda: self._on_cost_dialog_accepted(dialog))
        self.show_dialog(dialog)

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
                stored = claims.store_evidence_file(store, path, kind)
                summary = claims.attach_evidence(
                    self.ctx.db, actor, number, kind=kind, sha256=stored.sha256,
                    media_type=stored.media_type, size=stored.size, original_name=path.name)
            assert summary is not None
            return summary

        count = f"{len(paths)} documents" if len(paths) > 1 else paths[0].name
        self.run_action(f"Attaching evidence to claim {number}",
                        f"Added {count} to claim {number} as {evidence_label(kind)}.", attach)

    # --- Who answers for the claim -------------------------------------------------------------

    def change_owner(self) -> None:
        """Ctrl+Shift+G: a manager gives the open claim its owner and backup."""
        d = self.detail
        if d is None or self.ctx.actor is None:
            return
        if not self.ctx.may(Permission.ASSIGN_CLAIM):
            self.ctx.notice.emit("Only a manager or the owner of the shop chooses who answers "
                                 "for a claim.", "warning")
            return
        number, actor = d.number, self.ctx.actor
        self.ctx.run(lambda: claim_owners.owners(self.ctx.db, actor, number),
                     self._on_owners_loaded)

    def _on_owners_loaded(self, found: claim_owners.ClaimOwners) -> None:
        if self.detail is None or self.detail.number != found.number or self.ctx.actor is None:
            return
        dialog = OwnerDialog(found.number, found.staff, found.owner, found.backup,
                             parent=self._parent)
        number, actor = found.number, self.ctx.actor

        def chosen(owner: str | None, backup: str | None) -> None:
            self.run_action(f"Choosing the owner of claim {number}",
                            f"Claim {number}: owner {owner or 'nobody'}, backup "
                            f"{backup or 'nobody'}.",
                            lambda _o: claim_owners.set_owners(self.ctx.db, actor, number,
                                                               owner, backup))

        dialog.chosen.connect(chosen)
        self.show_dialog(dialog)

    # --- Reopening, the proof of purchase, findings and voiding ---------------------------------

    def reopen(self) -> None:
        """Ctrl+Shift+R: a manager looks again at a rejected claim, with a written reason."""
        d = self.detail
        if d is None or self.ctx.actor is None or d.reopen is None or not d.reopen.permitted:
            return
        if d.reopen.blockers:
            self.ctx.notice.emit(" ".join(d.reopen.blockers), "warning")
            return
        preview = "\n".join(f"The customer gets:\n{p.subject}\n\n{p.body}"
                            for p in d.reopen.previews[:1])
        dialog = ReasonDialog(
            f"Reopen claim {d.number}",
            f"Claim {d.number} was rejected: {d.decision_reason or 'no reason recorded'}\n\n"
            "Reopening sends it back to review, where the evidence and the decision are weighed "
            "again. The customer is told, with your reason.", "Reopen claim",
            placeholder="why the claim is looked at again; the customer reads this",
            preview=preview, parent=self._parent)
        number, actor = d.number, self.ctx.actor
        dialog.given.connect(lambda reason: self.run_action(
            f"Reopening claim {number}", f"Claim {number} reopened: back in review. The "
            "customer's message is queued.",
            lambda _o: decisions.reopen(self.ctx.db, actor, number, reason)))
        self.show_dialog(dialog)

    def check_proof(self, open_document: Callable[[str], None]) -> None:
        """Ctrl+Shift+V: accept or refuse the proof of purchase of a sale not known here."""
        d = self.detail
        if (d is None or self.ctx.actor is None or d.proof_status != "unverified"
                or not self.ctx.may(Permission.VERIFY_PROOF)):
            return
        claimed = (*d.claimed_purchase, *((("serial", d.serial),) if d.serial else ()))
        dialog = ProofCheckDialog(d.number, proof_documents(d), claimed, parent=self._parent)
        dialog.open_requested.connect(open_document)
        number, actor = d.number, self.ctx.actor

        def checked(accepted: bool, note: str) -> None:
            words = "accepted: the claim can move on" if accepted else "refused"
            self.run_action(f"Checking the proof of purchase of claim {number}",
                            f"Proof of purchase of claim {number} {words}.",
                            lambda _o: claims.verify_proof(self.ctx.db, actor, number,
                                                           accepted=accepted, note=note))

        dialog.checked.connect(checked)
        self.show_dialog(dialog)

    def save_findings(self, text: str) -> None:
        """Ctrl+Enter in the findings: they join the claim's timeline."""
        if self.detail is None or self.ctx.actor is None:
            return
        if not self.ctx.may(Permission.RECORD_WORK):
            self.ctx.notice.emit("Your role may not record findings; a technician or manager "
                                 "can.", "warning")
            return
        number, actor = self.detail.number, self.ctx.actor
        self.run_action(f"Recording findings on claim {number}",
                        f"Findings recorded on claim {number}.",
                        lambda _o: claims.add_note(self.ctx.db, actor, number, text))

    def approve_return(self) -> None:
        """Ctrl+Shift+I: approve an online return; head office makes the customer's label."""
        d = self.detail
        if (d is None or self.ctx.actor is None or not return_due(d)
                or not self.ctx.may(Permission.APPROVE_RETURN)):
            return
        number, actor = d.number, self.ctx.actor
        self.run_action(f"Approving the return of claim {number}",
                        f"Return of claim {number} approved: the customer's label is on its "
                        "way through head office. Scan the label at the returns desk (F5) "
                        "when the parcel comes.",
                        lambda _o: online_returns.approve_return(self.ctx.db, actor, number))

    def void_warranty(self) -> None:
        """Ctrl+Shift+W: void the warranty of the claim's unit, with a written reason."""
        d = self.detail
        if (d is None or self.ctx.actor is None or d.warranty_code is None
                or not self.ctx.may(Permission.VOID_WARRANTY)):
            return
        if d.cover is not None and d.cover.verdict == "void":
            self.ctx.notice.emit(f"Warranty {d.warranty_code} is already void.", "info")
            return
        number = d.number
        ask_to_void(self.ctx, self._parent, d.warranty_code, d.product,
                    lambda code: self.changed.emit(f"Warranty {code} voided (claim {number})."),
                    self.show_dialog)
