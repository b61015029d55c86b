"""One claim: its facts, history, evidence, messages, money and the moves open to this person."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.printing.desk import QUEUE_CHANGED, PrintDesk
from ui.screens.base import Screen
from ui.widgets.cost_dialog import CostDialog
from ui.widgets.decision_dialog import DecisionDialog
from ui.widgets.override_dialog import OverrideDialog
from ui.widgets.verdict_card import SYMBOLS, money
from warranty_desk.errors import RuleBlocked
from warranty_desk.permissions import Permission
from warranty_desk.rules.claim_states import EVIDENCE_KINDS, ClaimState, evidence_label
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import claims, decisions
from warranty_desk.services.board import STATE_LABELS, ClaimDetail, MoveOption, claim_detail
from warranty_desk.services.claim_common import Override
from warranty_desk.services.claims import ClaimSummary
from warranty_desk.services.decisions import Decision
from warranty_desk.storage.documents import DocumentStore

# target state: (button words, key). Moves follow the workflow's order on keys 1-4; the two
# decisions get their own keys, Reject a two-modifier chord so it is never hit by accident.
MOVE_KEYS: dict[str, tuple[str, str]] = {
    "reviewing": ("Review", "Ctrl+1"),
    "inspecting": ("Inspect", "Ctrl+2"),
    "repairing": ("Repair", "Ctrl+3"),
    "at_manufacturer": ("Send to manufacturer", "Ctrl+4"),
    "resolved": ("Resolve…", "Ctrl+D"),
    "rejected": ("Reject…", "Ctrl+Shift+X"),
}
_DONE_WORDS = {"reviewing": "moved to review", "inspecting": "moved to inspection",
               "repairing": "moved to repair", "at_manufacturer": "sent to the manufacturer"}
# The desktop's own viewer; a module name so tests can stand in for it.
open_url = QDesktopServices.openUrl
# A change to the claim, run again with the approval when a manager overrides a rule.
Attempt = Callable[[Override | None], ClaimSummary]


class EvidenceList(QListWidget):
    """The claim's documents; files dropped on it are offered as new evidence."""

    files_dropped = Signal(list)  # list[Path]

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("evidenceList")
        self.setAcceptDrops(True)

    @staticmethod
    def _files(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        data = event.mimeData()
        return [Path(u.toLocalFile()) for u in data.urls() if u.isLocalFile()] \
            if data.hasUrls() else []

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._files(event)
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(files)


def _table(name: str) -> QTableWidget:
    """A read-only table; ClaimDetailScreen._refill puts the rows in."""
    table = QTableWidget(0, 0)
    table.setObjectName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    return table


class ClaimDetailScreen(Screen):
    """Shows one claim and acts on it; every action has a key."""

    title = "Claim"
    shortcut = ""
    permission = Permission.LOOKUP
    help_keys = (
        *((key, words.rstrip("…") + (" (choose the outcome)" if words.endswith("…") else ""))
          for words, key in MOVE_KEYS.values()),
        ("Ctrl+O", "Manager override for the move that was blocked"),
        ("Ctrl+E", "Add evidence from a file (or drop files on the evidence list)"),
        ("Enter", "Open the selected document"),
        ("Ctrl+T", "Add a cost"),
        ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous tab"),
        ("Ctrl+P", "Print the claim ticket again (marked COPY)"),
        ("Ctrl+Shift+L", "Print the return label for the claim's unit"),
        ("F5", "Reload the claim"),
        ("Esc", "Back to the claims board"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.headline = QLabel("Open a claim from the Claims board (F4).")
        self.headline.setObjectName("claimHeadline")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        card = QFrame()
        card.setObjectName("card")
        self.facts = QGridLayout(card)
        self.facts.setHorizontalSpacing(24)
        layout.addWidget(card)
        self.cover = QLabel("")
        self.cover.setObjectName("claimCover")
        self.cover.setWordWrap(True)
        layout.addWidget(self.cover)
        self.move_row = QHBoxLayout()
        layout.addLayout(self.move_row)
        layout.addLayout(self._print_row())
        self.missing = QLabel("")
        self.missing.setObjectName("subtle")
        self.missing.setWordWrap(True)
        layout.addWidget(self.missing)
        layout.addWidget(self._blocked_panel())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("claimTabs")
        layout.addWidget(self.tabs, 1)
        self._build_tabs()
        self.detail: ClaimDetail | None = None
        self.number: str | None = None
        self.move_buttons: dict[str, QPushButton] = {}
        self.dialog: Any = None  # the dialog open now, if any (tests and scans reach it here)
        self._pending: tuple[str, str, Attempt] | None = None  # what, done words, attempt
        self._generation = 0
        self._own_change = False
        self._connect_signals()

    # --- building ------------------------------------------------------------------------------

    def _blocked_panel(self) -> QFrame:
        self.blocked_panel = QFrame()
        self.blocked_panel.setObjectName("blockedPanel")
        row = QHBoxLayout(self.blocked_panel)
        row.setContentsMargins(0, 0, 0, 0)
        self.blocked = QLabel("")
        self.blocked.setObjectName("blocked")
        self.blocked.setWordWrap(True)
        row.addWidget(self.blocked, 1)
        self.override_button = QPushButton("Manager override…  (Ctrl+O)")
        self.override_button.setObjectName("overrideButton")
        row.addWidget(self.override_button)
        self.blocked_panel.hide()
        return self.blocked_panel

    def _print_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.ticket_button = QPushButton("Print ticket again  (Ctrl+P)")
        self.label_button = QPushButton("Print return label  (Ctrl+Shift+L)")
        row.addWidget(self.ticket_button)
        row.addWidget(self.label_button)
        row.addStretch(1)
        for button in (self.ticket_button, self.label_button):
            button.setEnabled(False)  # until a claim is shown
        self.print_desk = PrintDesk(self.ctx, self)
        return row

    def _build_tabs(self) -> None:
        self.timeline = _table("timeline")
        self.tabs.addTab(self.timeline, "&Timeline")
        evidence = QWidget()
        column = QVBoxLayout(evidence)
        self.evidence_list = EvidenceList()
        column.addWidget(self.evidence_list, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("New document is a"))
        self.kind = QComboBox()
        self.kind.setObjectName("evidenceKind")
        for kind in EVIDENCE_KINDS:
            self.kind.addItem(evidence_label(kind), kind)
        row.addWidget(self.kind)
        self.add_evidence_button = QPushButton("Add evidence…  (Ctrl+E)")
        row.addWidget(self.add_evidence_button)
        self.open_document_button = QPushButton("Open document  (Enter)")
        row.addWidget(self.open_document_button)
        row.addStretch(1)
        column.addLayout(row)
        hint = QLabel("Drop photos or PDFs on the list to attach them as the kind chosen above.")
        hint.setObjectName("subtle")
        column.addWidget(hint)
        self.tabs.addTab(evidence, "&Evidence")
        messages = QWidget()
        column = QVBoxLayout(messages)
        self.message_list = QListWidget()
        self.message_list.setObjectName("messageList")
        column.addWidget(self.message_list, 1)
        self.message_body = QPlainTextEdit()
        self.message_body.setObjectName("messageBody")
        self.message_body.setReadOnly(True)
        column.addWidget(self.message_body, 1)
        self.tabs.addTab(messages, "&Messages")
        costs = QWidget()
        column = QVBoxLayout(costs)
        self.cost_table = _table("costTable")
        column.addWidget(self.cost_table, 1)
        row = QHBoxLayout()
        self.cost_totals = QLabel("")
        row.addWidget(self.cost_totals, 1)
        self.add_cost_button = QPushButton("Add cost…  (Ctrl+T)")
        row.addWidget(self.add_cost_button)
        column.addLayout(row)
        self.tabs.addTab(costs, "&Costs")
        self.stock_table = _table("stockTable")
        self.tabs.addTab(self.stock_table, "&Stock and brand")

    def _connect_signals(self) -> None:
        # Actions on the claim.
        self.override_button.clicked.connect(self._on_override_button_clicked)
        self.add_evidence_button.clicked.connect(self._on_add_evidence_clicked)
        self.evidence_list.files_dropped.connect(self.add_evidence_files)
        self.evidence_list.itemActivated.connect(lambda _item: self.open_document())
        self.open_document_button.clicked.connect(self.open_document)
        self.add_cost_button.clicked.connect(self._on_add_cost_clicked)
        self.message_list.currentRowChanged.connect(self._on_message_list_row_changed)
        # Keys: one per move, created once; each acts only if its move is on screen.
        for target, (_words, key) in MOVE_KEYS.items():
            QShortcut(QKeySequence(key), self, lambda t=target: self._on_move_key(t))
        QShortcut(QKeySequence("Ctrl+O"), self, self._on_override_button_clicked)
        QShortcut(QKeySequence("Ctrl+E"), self, self._on_add_evidence_clicked)
        QShortcut(QKeySequence("Ctrl+T"), self, self._on_add_cost_clicked)
        QShortcut(QKeySequence("F5"), self, self.reload)
        # Paper for the claim: the drop-off ticket again, and the label for its unit.
        self.ticket_button.clicked.connect(self.print_ticket)
        self.label_button.clicked.connect(self.print_label)
        QShortcut(QKeySequence("Ctrl+P"), self, self.print_ticket)
        QShortcut(QKeySequence("Ctrl+Shift+L"), self, self.print_label)
        QShortcut(QKeySequence("Esc"), self,
                  lambda: self.ctx.navigate.emit("ClaimsBoardScreen", None))
        # Changes made elsewhere (another screen, the sync inbox).
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    # --- loading -------------------------------------------------------------------------------

    def open(self, payload: object) -> None:
        if isinstance(payload, str) and payload.strip():
            self.number = payload.strip().upper()
            self.blocked_panel.hide()
            self._pending = None
            self.reload()

    def activated(self) -> None:
        if self.number:
            self.reload()

    def handle_scan(self, text: str) -> bool:
        if isinstance(self.dialog, DecisionDialog) and self.dialog.isVisible():
            self.dialog.set_scanned_serial(text)
            return True
        scan = classify(text)
        if scan.kind is ScanKind.CLAIM_NUMBER:
            self.open(scan.value)
            return True
        return False

    def reload(self) -> None:
        """Fetch the claim again off the GUI thread."""
        if not self.number or self.ctx.actor is None:
            return
        self._generation += 1
        generation, actor, number, today = (self._generation, self.ctx.actor, self.number,
                                            self.ctx.today())
        self.ctx.run(lambda: claim_detail(self.ctx.db, actor, number, today=today),
                     lambda detail: self._on_detail_loaded(generation, detail))

    def _on_detail_loaded(self, generation: int, detail: ClaimDetail) -> None:
        if generation == self._generation:
            self.show_detail(detail)

    def print_ticket(self) -> None:
        """The claim's drop-off ticket again; the queue marks it COPY."""
        if self.number:
            self.print_desk.print_ticket(self.number)

    def print_label(self) -> None:
        """The return label for the claim's unit, for the label printer."""
        if self.number:
            self.print_desk.print_label(self.number)

    def _on_ctx_data_changed(self, what: str) -> None:
        # A print or a device setting changes nothing on the claim.
        if what in (QUEUE_CHANGED, "config"):
            return
        if not self._own_change and self.isVisible():
            self.reload()

    def _zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.ctx.shop.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def _when(self, at: Any) -> str:
        return f"{at.astimezone(self._zone()):%Y-%m-%d %H:%M}" if at else ""

    # --- showing -------------------------------------------------------------------------------

    def show_detail(self, d: ClaimDetail) -> None:
        """Fill every part of the screen from one ClaimDetail."""
        self.detail = d
        self.ticket_button.setEnabled(True)
        self.label_button.setEnabled(True)
        state = STATE_LABELS.get(d.state, d.state)
        outcome = f" ({d.outcome})" if d.outcome else ""
        overdue = "  ·  ⚠ OVERDUE" if d.overdue else ""
        age = f"{d.age_days} day{'' if d.age_days == 1 else 's'}"
        self.headline.setText(f"{d.number}  ·  {state}{outcome}  ·  opened {d.opened_on} "
                              f"({age})  ·  promised {d.promised_on or '—'}{overdue}")
        self._show_facts(d)
        if d.cover is not None:
            self.cover.setText(f"{SYMBOLS.get(d.cover.verdict, '')}  {d.cover.headline}: "
                               f"{d.cover.detail}")
        else:
            self.cover.setText("No known sale: the cover depends on the proof of purchase "
                               f"({d.proof_status}).")
        self._show_moves(d.moves)
        self._show_timeline(d)
        self._show_evidence(d)
        self._show_messages(d)
        self._show_costs(d)
        self._show_stock(d)

    def _show_facts(self, d: ClaimDetail) -> None:
        while self.facts.count():
            item = self.facts.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        rows = [
            ("Customer", (d.customer_name or "unknown")
             + (f"  ·  {d.customer_phone}" if d.customer_phone else "")
             + (f"  ·  {d.customer_reference}" if d.customer_reference else "")),
            ("Product", d.product + (f"  ({d.brand}, {d.sku})" if d.sku else "")),
            ("Serial", d.serial or "not recorded"),
            ("Warranty", d.warranty_code or "none (unknown sale)"),
            ("Channel", d.channel.replace("_", " ")),
            ("Claim type", d.claim_type.replace("_", " ")),
            ("Fault", d.fault),
            ("Accessories", d.accessories or "none"),
            ("Condition", d.condition or "not noted"),
            ("Proof of purchase", d.proof_status.replace("_", " ")),
            ("Evidence needed", ", ".join(evidence_label(k) for k in d.required_evidence)
             or "none"),
            ("Still missing", ", ".join(evidence_label(k) for k in d.missing_evidence)
             or "nothing"),
        ]
        if d.decision_reason:
            rows.append(("Decision", d.decision_reason))
        if d.refund_minor is not None:
            rows.append(("Refund", f"{money(d.refund_minor)}  ·  {d.refund_reference or ''}"))
        if d.replacement_serial:
            rows.append(("Replacement serial", d.replacement_serial))
        rows += [(key.replace("_", " ").capitalize(), value) for key, value in d.claimed_purchase]
        for n, (name, value) in enumerate(rows):
            key = QLabel(name)
            key.setObjectName("subtle")
            val = QLabel(value)
            val.setWordWrap(True)
            val.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts.addWidget(key, n // 2, (n % 2) * 2)
            self.facts.addWidget(val, n // 2, (n % 2) * 2 + 1)

    def _show_moves(self, moves: tuple[MoveOption, ...]) -> None:
        for button in self.move_buttons.values():
            self.move_row.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.move_buttons = {}
        notes = []
        for option in moves:
            # Buttons only for what this role may do; the rest is not theirs to see.
            if not option.permitted or option.target not in MOVE_KEYS:
                continue
            words, key = MOVE_KEYS[option.target]
            button = QPushButton(f"{'' if option.allowed else '⚠ '}{words}  ({key})")
            button.setObjectName(f"move_{option.target}")
            if option.blockers:
                button.setToolTip(" ".join(option.blockers))
                notes.append(f"{words.rstrip('…')} needs: " + " ".join(option.blockers))
            button.clicked.connect(lambda _c=False, t=option.target: self.start_move(t))
            self.move_row.addWidget(button)
            # Shown now, not on the layout's queued show, so the row is whole when painted.
            button.show()
            self.move_buttons[option.target] = button
        if not self.move_buttons and self.detail is not None:
            final = ClaimState(self.detail.state) in (ClaimState.RESOLVED, ClaimState.REJECTED)
            notes.append("This claim is closed." if final
                         else "Your role cannot move this claim; a technician or manager can.")
        self.missing.setText("\n".join(notes))

    def _show_timeline(self, d: ClaimDetail) -> None:
        rows = []
        for e in d.timeline:
            what = e.kind
            if e.to_state:
                what = (f"{STATE_LABELS.get(e.from_state, e.from_state)} → " if e.from_state
                        else "") + STATE_LABELS.get(e.to_state, e.to_state)
            rows.append((self._when(e.at), e.staff or "system", what, e.reason,
                         e.override_by or "", money(e.cost_minor) if e.cost_minor else ""))
        self._refill(self.timeline, ("When", "Who", "What", "Reason", "Override by", "Cost"), rows)

    def _show_evidence(self, d: ClaimDetail) -> None:
        self.evidence_list.clear()
        for item in d.evidence:
            size = f"{item.size / 1024:.0f} KB" if item.size >= 1024 else f"{item.size} bytes"
            row = QListWidgetItem(
                f"{item.label.capitalize()}  ·  {item.original_name or 'unnamed'}  ·  "
                f"{item.media_type}, {size}\nadded by {item.added_by or item.source} on "
                f"{self._when(item.added_at)}  ·  sha256 {item.sha256[:12]}…")
            row.setData(Qt.ItemDataRole.UserRole, item.sha256)
            self.evidence_list.addItem(row)
        if d.missing_evidence:
            self.kind.setCurrentIndex(max(self.kind.findData(d.missing_evidence[0]), 0))
        self.add_evidence_button.setVisible(self.ctx.may(Permission.ADD_EVIDENCE))

    def _show_messages(self, d: ClaimDetail) -> None:
        self.message_list.clear()
        for m in d.messages:
            self.message_list.addItem(f"{self._when(m.created_at)}  ·  {m.direction}, {m.state}"
                                      f"  ·  {m.subject}")
        previews = [f"If the claim moves to {STATE_LABELS.get(o.target, o.target).lower()}, "
                    f"the customer gets:\n{p.subject}\n{p.body}"
                    for o in d.moves if o.permitted for p in o.previews[:1]]
        self.message_body.setPlainText("Next message (preview)\n\n" + "\n\n".join(previews)
                                       if previews else "")

    def _on_message_list_row_changed(self, row: int) -> None:
        if self.detail is not None and 0 <= row < len(self.detail.messages):
            m = self.detail.messages[row]
            self.message_body.setPlainText(f"{m.subject}\n\n{m.body}")

    def _show_costs(self, d: ClaimDetail) -> None:
        self._refill(self.cost_table, ("Kind", "Amount", "Recoverable", "What for", "Posted by",
                                       "When"),
                     [(c.kind, money(c.amount_minor), "yes" if c.recoverable else "no",
                       c.description, c.posted_by or "system", self._when(c.posted_at))
                      for c in d.costs])
        self.cost_totals.setText(f"Total {money(d.cost_total_minor)}  ·  recoverable "
                                 f"{money(d.recoverable_total_minor)}")
        self.add_cost_button.setVisible(self.ctx.may(Permission.POST_COST))

    def _show_stock(self, d: ClaimDetail) -> None:
        rows = [(self._when(m.at), m.kind.replace("_", " "), m.serial or "", m.reference,
                 m.staff or "system") for m in d.stock_moves]
        rows += [(self._when(b.submitted_at), f"brand claim to {b.brand}: {b.external_status}",
                  b.external_id, f"claimed {money(b.claimed_minor)}, settled "
                  f"{money(b.settled_minor)}", b.service_centre) for b in d.brand_claims]
        self._refill(self.stock_table, ("When", "Movement", "Serial", "Reference", "By"), rows)

    @staticmethod
    def _refill(table: QTableWidget, headers: Sequence[str],
                rows: Sequence[Sequence[str]]) -> None:
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(value))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)

    # --- acting --------------------------------------------------------------------------------

    def _on_move_key(self, target: str) -> None:
        if target in self.move_buttons:
            self.start_move(target)

    def start_move(self, target: str) -> None:
        """A move button: advance at once, or open the decision dialog for a decision."""
        if self.detail is None or self.ctx.actor is None:
            return
        number, actor, today = self.detail.number, self.ctx.actor, self.ctx.today()
        if target in ("resolved", "rejected"):
            option = next(o for o in self.detail.moves if o.target == target)
            dialog = DecisionDialog(number, reject=target == "rejected",
                                    previews={p.template: p for p in option.previews},
                                    parent=self)
            dialog.decided.connect(self._on_dialog_decided)
            self._show_dialog(dialog)
            return
        state = ClaimState(target)

        def attempt(override: Override | None) -> ClaimSummary:
            return claims.advance(self.ctx.db, actor, number, state, today=today,
                                  override=override)

        self.run_action(f"Moving claim {number} to {STATE_LABELS[target].lower()}",
                        f"Claim {number} {_DONE_WORDS.get(target, 'moved')}.", attempt)

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

    def run_action(self, what: str, done: str, attempt: Attempt,
                   override: Override | None = None) -> None:
        """Run a change off the GUI thread; a blocked rule offers the manager override."""
        self._pending = (what, done, attempt)
        self.blocked_panel.hide()
        self.ctx.run(lambda: attempt(override), lambda _s: self._changed(done),
                     self._on_action_failed)

    def _on_action_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, RuleBlocked):
            self._pending = None
            self.ctx.report(exc)
            return
        self.blocked.setText(f"⚠ Blocked: {exc}")
        self.override_button.setVisible(exc.overridable)
        self.blocked_panel.show()
        if not exc.overridable:
            self._pending = None
        self.ctx.notice.emit(str(exc), "warning")

    def _on_override_button_clicked(self) -> None:
        if self._pending is None or not self.blocked_panel.isVisible():
            self.ctx.notice.emit("Nothing is waiting for an override.", "info")
            return
        what, done, attempt = self._pending
        dialog = OverrideDialog(self.ctx, f"{what} needs a manager's approval.",
                                self.blocked.text().removeprefix("⚠ Blocked: "), parent=self)
        dialog.approved.connect(lambda override: self.run_action(what, done, attempt, override))
        self._show_dialog(dialog)

    def _changed(self, done: str) -> None:
        self._pending = None
        self.blocked_panel.hide()
        self.ctx.notice.emit(done, "success")
        # This screen reloads itself below; the flag keeps it from reloading twice.
        self._own_change = True
        try:
            self.ctx.data_changed.emit("claim")
        finally:
            self._own_change = False
        self.reload()

    def _show_dialog(self, dialog: Any) -> None:
        # open(), not exec(): the app keeps running (scans, the auto-lock) while it is up.
        self.dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()

    def _on_add_cost_clicked(self) -> None:
        if self.detail is None or not self.ctx.may(Permission.POST_COST):
            return
        dialog = CostDialog(self)
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

    def _on_add_evidence_clicked(self) -> None:
        if self.detail is None or not self.ctx.may(Permission.ADD_EVIDENCE):
            return
        names, _filter = QFileDialog.getOpenFileNames(
            self, "Add evidence", str(Path.home()),
            "Photos, PDFs and videos (*.jpg *.jpeg *.png *.gif *.webp *.heic *.pdf *.mp4 *.mov);;"
            "All files (*)")
        if names:
            self.add_evidence_files([Path(n) for n in names])

    def add_evidence_files(self, paths: list[Path]) -> None:
        """Store the files and attach them to the claim as the kind chosen on the evidence tab."""
        if self.detail is None or self.ctx.actor is None or not paths:
            return
        if not self.ctx.may(Permission.ADD_EVIDENCE):
            self.ctx.notice.emit("Your role may not attach evidence.", "warning")
            return
        number, actor, kind = self.detail.number, self.ctx.actor, str(self.kind.currentData())
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

    def open_document(self) -> None:
        """Open the selected document in the computer's own viewer."""
        item = self.evidence_list.currentItem()
        if item is None:
            self.ctx.notice.emit("Pick a document in the list first.", "info")
            return
        store = DocumentStore(self.ctx.home.documents)
        path = store.path_for(str(item.data(Qt.ItemDataRole.UserRole)))
        if not path.is_file():
            self.ctx.notice.emit("That document is missing from the evidence folder. Restore "
                                 "the documents folder from a backup.", "error")
            return
        if not open_url(QUrl.fromLocalFile(str(path))):
            self.ctx.notice.emit(f"No program on this computer opens it. The file is {path}.",
                                 "warning")
            return
        self.ctx.notice.emit(f"Opening {item.text().split(chr(10))[0]}.", "info")
