"""One claim: its facts, history, evidence, messages, money and the moves open to this person."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.keys import IN_WIDGET_AND_CHILDREN, bind_key, bind_tab_keys
from ui.printing.desk import PRINT_LETTER_KEY, RECEIPT_LETTER_KEY, PrintDesk
from ui.printing.queue_keys import QUEUE_CHANGED
from ui.screens.base import Screen
from ui.screens.claim_detail_parts.actions import APPROVE_RETURN_KEY, ClaimActions, return_due
from ui.screens.claim_detail_parts.decision_bar import MOVE_KEYS, REOPEN_KEY, DecisionBar
from ui.screens.claim_detail_parts.evidence_tab import VERIFY_KEY, EvidenceTab
from ui.screens.claim_detail_parts.facts import ClaimFacts
from ui.screens.claim_detail_parts.findings_tab import FINDINGS_TAB_KEY, FindingsTab
from ui.screens.claim_detail_parts.hand_back_action import HAND_BACK_KEY, HandBackAction
from ui.screens.claim_detail_parts.message_actions import MessageActions
from ui.screens.claim_detail_parts.messages_tab import (
    EDIT_MESSAGE_KEY,
    LETTER_KEY,
    REPLY_KEY,
    RETRY_KEY,
    MessagesTab,
)
from ui.screens.claim_detail_parts.record_tabs import (
    CostsTab,
    stock_lines,
    stock_model,
    timeline_model,
)
from ui.screens.shop_time import local_minute
from ui.widgets.decision_dialog import DecisionDialog
from ui.widgets.exception_notes import NOTE_KEY, NotesPanel, ask_for_note
from ui.widgets.layout import scroll_area
from ui.widgets.owner_dialog import OWNER_KEY
from ui.widgets.record_view import fit_columns, record_view
from ui.widgets.void_warranty import VOID_KEY
from warranty_desk import config
from warranty_desk.permissions import Permission
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.scanning import ScanKind, classify
from warranty_desk.services import claim_messages
from warranty_desk.services.claim_detail import ClaimDetail, claim_detail
from warranty_desk.sms_settings import own_channels
from warranty_desk.storage.documents import DocumentStore

__all__ = ["MOVE_KEYS", "ClaimDetailScreen", "open_url"]

# The desktop's own viewer; a module name so tests can stand in for it.
open_url = QDesktopServices.openUrl
# Below this the tabs would show a row or two: the page scrolls instead (1024×768).
TABS_MIN_HEIGHT = 180


class ClaimDetailScreen(Screen):
    """Shows one claim and acts on it; every action has a key."""

    title = "Claim"
    shortcut = ""
    permission = Permission.LOOKUP
    help_keys = (
        *((key, words.rstrip("…") + (" (choose the outcome)" if words.endswith("…") else ""))
          for words, key in MOVE_KEYS.values()),
        (REOPEN_KEY, "Reopen a rejected claim: back to review, with a written reason"),
        (OWNER_KEY, "Choose the claim's owner and backup"),
        (NOTE_KEY, "Add an exception note: what is not normal, with its reason"),
        ("Ctrl+O", "Manager override for the move that was blocked"),
        ("Ctrl+E", "Add evidence from a file (or drop files on the evidence list)"),
        ("Enter", "Open the selected document"),
        (VERIFY_KEY, "Check the customer's proof of purchase: accept or refuse it"),
        (FINDINGS_TAB_KEY, "Findings: write what you found on the unit"),
        ("Ctrl+Enter (findings)", "Save the findings"),
        ("Ctrl+T", "Add a cost (parts, labour, shipping)"),
        (VOID_KEY, "Void the warranty of the claim's unit, with a written reason"),
        ("Ctrl+PgDown / Ctrl+PgUp", "Next / previous tab"),
        ("Ctrl+P", "Print the claim ticket again (marked COPY)"),
        ("Ctrl+Shift+L", "Print the return label for the claim's unit"),
        (HAND_BACK_KEY, "Hand the unit back to the customer (scan it, tick its accessories, "
                        "the customer signs), or print its handover receipt again"),
        ("Ctrl+R", "Reload the claim"),
        (EDIT_MESSAGE_KEY + " (messages)", "Reword the picked message before it goes"),
        (REPLY_KEY + " (messages)", "Reply to the customer on this claim"),
        (RETRY_KEY + " (messages)", "Send a message that did not arrive again"),
        (LETTER_KEY + " (messages)", "Send the picked message as a paper letter instead"),
        (PRINT_LETTER_KEY + " (messages)", "Print the picked message as a letter (a page)"),
        (RECEIPT_LETTER_KEY + " (messages)", "Print the picked message as a letter on the "
                                             "receipt printer"),
        ("Esc", "Back to the claims board"),
    )
    # A decision is a manager's; the other moves need the right to advance a claim.
    key_permissions: ClassVar[dict[str, Permission]] = {
        **{key: Permission.DECIDE_CLAIM if target in ("resolved", "rejected")
           else Permission.ADVANCE_CLAIM for target, (_words, key) in MOVE_KEYS.items()},
        REOPEN_KEY: Permission.DECIDE_CLAIM,
        OWNER_KEY: Permission.ASSIGN_CLAIM,
        "Ctrl+E": Permission.ADD_EVIDENCE,
        VERIFY_KEY: Permission.VERIFY_PROOF,
        "Ctrl+Enter (findings)": Permission.RECORD_WORK,
        "Ctrl+T": Permission.POST_COST,
        VOID_KEY: Permission.VOID_WARRANTY,
        HAND_BACK_KEY: Permission.HAND_BACK,
        EDIT_MESSAGE_KEY + " (messages)": claim_messages.MESSAGE_PERMISSION,
        REPLY_KEY + " (messages)": claim_messages.MESSAGE_PERMISSION,
    }

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(12)
        layout.addLayout(self._heading_row())
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        self.facts = ClaimFacts()
        column.addWidget(self.facts)
        self.void_button = QPushButton(f"Void warranty…  ({VOID_KEY})")
        self.void_button.setObjectName("voidWarranty")
        self.void_button.hide()  # for those who may void, while the warranty stands
        self.facts.cover_row.addWidget(self.void_button)
        self.owner_button = QPushButton(f"Owner…  ({OWNER_KEY})")
        self.owner_button.setObjectName("claimOwner")
        self.owner_button.hide()  # for those who may choose it, on an open claim
        self.facts.cover_row.addWidget(self.owner_button)
        self.decision = DecisionBar()
        column.addWidget(self.decision)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("claimTabs")
        self.tabs.setMinimumHeight(TABS_MIN_HEIGHT)
        column.addWidget(self.tabs, 1)
        self._build_tabs()
        layout.addWidget(scroll_area(inner), 1)
        # The parts' widgets, by the names the screen's actions (and its tests) use.
        self.headline, self.cover = self.facts.headline, self.facts.cover
        self.missing, self.blocked = self.decision.missing, self.decision.blocked
        self.blocked_panel = self.decision.blocked_panel
        self.override_button = self.decision.override_button
        self.detail: ClaimDetail | None = None
        self.number: str | None = None
        self.claim_actions = ClaimActions(ctx, self, self.decision, self.evidence.kind_chosen)
        self._generation = 0
        self.own_change = False
        self._saved_findings = ""
        self._connect_signals()

    # --- building ------------------------------------------------------------------------------

    def _heading_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.heading(self.title))
        row.addStretch(1)
        # Paper for the claim sits by the heading: a row of its own cost the tabs their room.
        self.ticket_button = QPushButton("Print ticket again  (Ctrl+P)")
        self.label_button = QPushButton("Print return label  (Ctrl+Shift+L)")
        for button in (self.ticket_button, self.label_button):
            button.setEnabled(False)  # until a claim is shown
            row.addWidget(button)
        self.print_desk = PrintDesk(self.ctx, self)
        # Shown once the claim is decided and its unit is due back to the customer.
        self.hand_back = HandBackAction(self.ctx, self, self.print_desk, self.reload)
        self.hand_back_button, self.hand_back_flow = self.hand_back.button, self.hand_back.flow
        row.addWidget(self.hand_back_button)
        self.approve_return_button = QPushButton(f"Approve return  ({APPROVE_RETURN_KEY})")
        self.approve_return_button.hide()  # an online return waiting for its approval only
        row.addWidget(self.approve_return_button)
        return row

    def _build_tabs(self) -> None:
        self.timeline_model = timeline_model(self._when)
        self.timeline = record_view(self.timeline_model, "timeline")
        self.tabs.addTab(self.timeline, "&Timeline")
        self.evidence = EvidenceTab()
        self.evidence_list, self.kind = self.evidence.list, self.evidence.kind
        self.add_evidence_button = self.evidence.add_button
        self.open_document_button = self.evidence.open_button
        self.tabs.addTab(self.evidence, "&Evidence")
        self.findings = FindingsTab()
        self.tabs.addTab(self.findings, "&Findings")
        self.messages = MessagesTab()
        self.message_list, self.message_body = self.messages.list, self.messages.body
        self.tabs.addTab(self.messages, "&Messages")
        self.costs = CostsTab(self._when)
        self.cost_table, self.cost_totals = self.costs.table, self.costs.totals
        self.add_cost_button = self.costs.add_button
        self.tabs.addTab(self.costs, "&Costs")
        self.stock_model = stock_model(self._when)
        self.stock_table = record_view(self.stock_model, "stockTable")
        self.tabs.addTab(self.stock_table, "&Stock and brand")
        self.notes = NotesPanel(self._when, "claimNotes")
        self.tabs.addTab(self.notes, "&Notes")

    def _connect_signals(self) -> None:
        # Actions on the claim; a change that went through reloads the claim.
        self.decision.move_clicked.connect(self.start_move)
        self.override_button.clicked.connect(self.claim_actions.override)
        self.add_evidence_button.clicked.connect(self.claim_actions.choose_evidence)
        self.evidence_list.files_dropped.connect(self.add_evidence_files)
        self.evidence_list.itemActivated.connect(lambda _item: self.open_document())
        self.open_document_button.clicked.connect(self.open_document)
        self.add_cost_button.clicked.connect(lambda: self.claim_actions.add_cost())
        self.claim_actions.changed.connect(self.claim_actions_changed)
        # Reopening, the proof of purchase, findings with their parts and labour, voiding.
        self.decision.reopen_clicked.connect(self.claim_actions.reopen)
        self.evidence.check_proof_button.clicked.connect(self.check_proof)
        self.findings.save_button.clicked.connect(self.save_findings)
        self.findings.parts_button.clicked.connect(
            lambda: self.claim_actions.add_cost(("parts",)))
        self.findings.labour_button.clicked.connect(
            lambda: self.claim_actions.add_cost(("labour",)))
        self.void_button.clicked.connect(self.claim_actions.void_warranty)
        self.owner_button.clicked.connect(self.claim_actions.change_owner)
        bind_key(self, OWNER_KEY, self.claim_actions.change_owner)
        self.notes.add_requested.connect(self.add_note)
        bind_key(self, NOTE_KEY, self.add_note)
        bind_key(self.findings, "Ctrl+Return", self.save_findings, where=IN_WIDGET_AND_CHILDREN)
        bind_key(self, REOPEN_KEY, self._on_reopen_key)
        bind_key(self, VERIFY_KEY, self.check_proof)
        bind_key(self, FINDINGS_TAB_KEY, self.show_findings)
        bind_key(self, VOID_KEY, self.claim_actions.void_warranty)
        # Keys: one per move, created once; each acts only if its move is on screen.
        for target, (_words, key) in MOVE_KEYS.items():
            bind_key(self, key, partial(self._on_move_key, target))
        bind_key(self, "Ctrl+O", self.claim_actions.override)
        bind_key(self, "Ctrl+E", self.claim_actions.choose_evidence)
        bind_key(self, "Ctrl+T", lambda: self.claim_actions.add_cost())
        bind_key(self, "Ctrl+R", self.reload)
        bind_tab_keys(self, self.tabs)
        # Paper for the claim: the drop-off ticket again, and the label for its unit.
        self.ticket_button.clicked.connect(self.print_ticket)
        self.label_button.clicked.connect(self.print_label)
        bind_key(self, "Ctrl+P", self.print_ticket)
        bind_key(self, "Ctrl+Shift+L", self.print_label)
        bind_key(self, HAND_BACK_KEY, self.hand_back.run)
        self.approve_return_button.clicked.connect(self.claim_actions.approve_return)
        bind_key(self, APPROVE_RETURN_KEY, self.claim_actions.approve_return)
        bind_key(self, "Esc",
                 lambda: self.ctx.navigate.emit("ClaimsBoardScreen", None))
        self.message_actions = MessageActions(self)
        # Changes made elsewhere (another screen, the sync inbox).
        self.ctx.data_changed.connect(self._on_ctx_data_changed)

    @property
    def move_buttons(self) -> dict[str, QPushButton]:
        """The move buttons shown now, by target state."""
        return self.decision.buttons

    # --- loading -------------------------------------------------------------------------------

    def open(self, payload: object) -> None:
        if isinstance(payload, str) and payload.strip():
            self.number = payload.strip().upper()
            self.claim_actions.forget()
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
        generation, actor, number = self._generation, self.ctx.actor, self.number
        self.ctx.run(lambda: claim_detail(self.ctx.db, actor, number),
                     lambda detail: self._on_detail_loaded(generation, detail))
        home = self.ctx.home
        self.ctx.run(lambda: own_channels(config.load(home).settings.sync),
                     self.messages.set_senders)

    def _on_detail_loaded(self, generation: int, detail: ClaimDetail) -> None:
        if generation == self._generation:
            self.show_detail(detail)
            if any(m.unread for m in detail.messages) and self.ctx.actor is not None:
                # Opened: what the customer wrote is read (the list still marks it new).
                actor, number = self.ctx.actor, detail.number
                self.ctx.run(lambda: claim_messages.mark_read(self.ctx.db, actor, number),
                             lambda _n: None)

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
        if not self.own_change and self.isVisible():
            self.reload()

    def _when(self, at: datetime | None) -> str:
        return local_minute(at, self.ctx.shop.timezone)

    # --- showing -------------------------------------------------------------------------------

    def show_detail(self, d: ClaimDetail) -> None:
        """Fill every part of the screen from one ClaimDetail."""
        self.detail = self.claim_actions.detail = d
        self.ticket_button.setEnabled(True)
        self.label_button.setEnabled(True)
        self.hand_back.show_detail(d)
        self.approve_return_button.setVisible(
            return_due(d) and self.ctx.may(Permission.APPROVE_RETURN))
        self.facts.show_detail(d)
        self.owner_button.setVisible(d.state in OPEN_STATES
                                     and self.ctx.may(Permission.ASSIGN_CLAIM))
        self.decision.show_moves(d.moves, d.state, d.reopen)
        self.timeline_model.set_records(d.timeline)
        fit_columns(self.timeline)
        self.evidence.show_detail(d, self._when, may_add=self.ctx.may(Permission.ADD_EVIDENCE),
                                  may_verify=self.ctx.may(Permission.VERIFY_PROOF))
        self.findings.show_detail(d, may_record=self.ctx.may(Permission.RECORD_WORK),
                                  may_post=self.ctx.may(Permission.POST_COST))
        self.void_button.setVisible(
            d.warranty_code is not None and self.ctx.may(Permission.VOID_WARRANTY)
            and not (d.cover is not None and d.cover.verdict == "void"))
        self.messages.show_detail(d, self._when,
                                  may_write=self.ctx.may(claim_messages.MESSAGE_PERMISSION))
        unread = sum(1 for m in d.messages if m.unread)
        self.tabs.setTabText(self.tabs.indexOf(self.messages),
                             f"&Messages ({unread} new)" if unread else "&Messages")
        self.costs.show_detail(d, may_post=self.ctx.may(Permission.POST_COST))
        self.stock_model.set_records(stock_lines(d))
        fit_columns(self.stock_table)
        self.notes.show_notes(d.notes)
        self.tabs.setTabText(self.tabs.indexOf(self.notes),
                             f"&Notes ({len(d.notes)})" if d.notes else "&Notes")

    def clear_for_sign_out(self) -> None:
        self._generation += 1  # a claim still loading is for the last person
        self.number = None
        self.detail = self.claim_actions.detail = None
        self.claim_actions.forget()
        self.facts.clear()
        self.decision.show_moves((), None)
        for model in (self.timeline_model, self.stock_model):
            model.set_records(())
        for tab in (self.evidence, self.findings, self.messages, self.costs, self.notes):
            tab.clear()
        self._saved_findings = ""
        self.void_button.hide()
        self.owner_button.hide()
        self.hand_back.clear()
        self.approve_return_button.hide()
        self.ticket_button.setEnabled(False)
        self.label_button.setEnabled(False)

    # --- acting -------------------------------------------------------------------------------

    @property
    def dialog(self) -> Any:
        """The dialog open now, if any (tests and scans reach it here)."""
        return self.claim_actions.dialog

    def _on_move_key(self, target: str) -> None:
        if target in self.move_buttons:
            self.claim_actions.start_move(target)

    def start_move(self, target: str) -> None:
        """A move button: advance at once, or open the decision dialog for a decision."""
        self.claim_actions.start_move(target)

    def add_evidence_files(self, paths: list[Path]) -> None:
        """Store the files and attach them to the claim as the kind chosen on the evidence tab."""
        self.claim_actions.add_evidence_files(paths)

    def add_note(self) -> None:
        """Ctrl+Shift+N: an exception note on the claim; the Notes tab shows it."""
        if self.detail is None:
            return
        number = self.detail.number
        self.tabs.setCurrentWidget(self.notes)
        ask_for_note(self.ctx, self, "claim", number, f"claim {number}",
                     lambda _note: self.claim_actions_changed("note"),
                     self.claim_actions.show_dialog)

    def _on_reopen_key(self) -> None:
        if "reopen" in self.move_buttons:
            self.claim_actions.reopen()

    def check_proof(self) -> None:
        """Ctrl+Shift+V: the proof check, with the proof a key away."""
        self.claim_actions.check_proof(self.open_sha256)

    def show_findings(self) -> None:
        """Ctrl+Shift+F: the Findings tab, the cursor in the new finding."""
        self.tabs.setCurrentWidget(self.findings)
        if self.findings.text.isVisible():
            self.findings.text.setFocus()

    def save_findings(self) -> None:
        """Save what is typed in the findings box on the claim."""
        text = self.findings.text.toPlainText().strip()
        if self.detail is None or not self.findings.text.isVisible():
            return
        if not text:
            self.ctx.notice.emit("Write what you found on the unit first.", "info")
            self.findings.text.setFocus()
            return
        self._saved_findings = text
        self.claim_actions.save_findings(text)

    def claim_actions_changed(self, _done: str) -> None:
        if self._saved_findings and self.findings.text.toPlainText().strip() == (
                self._saved_findings):
            # Saved: the box is free for the next finding; the saved one shows above it.
            self.findings.text.clear()
        self._saved_findings = ""
        # This screen reloads itself below; the flag keeps it from reloading twice.
        self.own_change = True
        try:
            self.ctx.data_changed.emit("claim")
        finally:
            self.own_change = False
        self.reload()

    def open_document(self) -> None:
        """Open the selected document in the computer's own viewer."""
        picked = self.evidence.selected()
        if picked is None:
            self.ctx.notice.emit("Pick a document in the list first.", "info")
            return
        self.open_sha256(*picked)

    def open_sha256(self, sha256: str, words: str = "the document") -> None:
        """Open a stored document in the computer's own viewer."""
        path = DocumentStore(self.ctx.home.documents).path_for(sha256)
        if not path.is_file():
            self.ctx.notice.emit("That document is missing from the evidence folder. Restore "
                                 "the documents folder from a backup.", "error")
            return
        if not open_url(QUrl.fromLocalFile(str(path))):
            self.ctx.notice.emit(f"No program on this computer opens it. The file is {path}.",
                                 "warning")
            return
        self.ctx.notice.emit(f"Opening {words}.", "info")
