"""Start a claim: fault, channel, the policy's evidence with attachments, eligibility, a number."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from ui.context import AppContext, explain
from ui.keys import IN_WIDGET_AND_CHILDREN, bind_key
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.screens.start_claim_parts.creating import ClaimStarted, attach_all
from ui.screens.start_claim_parts.done_panel import ClaimDonePanel
from ui.screens.start_claim_parts.evidence import FILE_FILTER, PendingFile
from ui.screens.start_claim_parts.known_form import OPEN_CLAIM_KEY, KnownUnitForm
from ui.screens.start_claim_parts.unknown_form import UnknownSaleForm
from ui.screens.start_claim_parts.unknown_sale import UnknownSale
from ui.widgets.labels import Label
from ui.widgets.layout import scroll_area
from ui.widgets.message_line import MessageLine
from ui.widgets.override_dialog import OverrideDialog
from warranty_desk.errors import RuleBlocked
from warranty_desk.permissions import Permission
from warranty_desk.rules.evidence import evidence_label
from warranty_desk.services import claims
from warranty_desk.services.claim_common import Override
from warranty_desk.services.claims import ClaimPreview, ClaimSummary
from warranty_desk.storage.documents import DocumentStore, StoredDocument
from warranty_desk.views import WarrantyVerdict

PROOF = "proof_of_purchase"


class StartClaimScreen(Screen):
    """A claim on the unit shown at the counter, or on a sale the shop does not know."""

    title = "Start claim"
    shortcut = ""
    permission = Permission.START_CLAIM
    help_keys = (
        ("Ctrl+Return", "Create the claim"),
        (OPEN_CLAIM_KEY, "Open the claim already open on the unit (when one is)"),
        ("Drop a file", "Attach it to the checklist item it is dropped on"),
        ("Ctrl+P", "Print the claim's drop-off ticket (after the claim is created)"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        top = QHBoxLayout()
        self.subject = Label("Look a unit up at the counter, then press Ctrl+N.")
        self.subject.setWordWrap(True)
        top.addWidget(self.subject, 1)
        self.unknown_button = QPushButton("Unknown sale…")
        self.unknown_button.setToolTip("The shop has no record of the sale: start the claim "
                                       "with the customer's proof of purchase")
        top.addWidget(self.unknown_button)
        layout.addLayout(top)
        self.message = MessageLine(ctx.notice.emit)
        layout.addWidget(self.message)
        self.known, self.unknown, self.done = KnownUnitForm(), UnknownSaleForm(), ClaimDonePanel()
        self.stack = QStackedWidget()
        self.known_page, self.unknown_page, self.done_page = (
            scroll_area(self.known), scroll_area(self.unknown), scroll_area(self.done))
        for page in (self.known_page, self.unknown_page, self.done_page):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.create_button = QPushButton("Create claim  (Ctrl+Return)")
        self.create_button.setObjectName("primary")
        bottom.addWidget(self.create_button)
        layout.addLayout(bottom)
        self._name_parts()

        self.verdict: WarrantyVerdict | None = None
        self.preview: ClaimPreview | None = None
        self.pending: dict[str, list[PendingFile]] = {}
        self.started: ClaimSummary | None = None
        # Asks a manager for their PIN and a reason; given the blockers in words.
        self.ask_override: Callable[[str], Override | None] = self._ask_manager
        self.print_desk = PrintDesk(ctx, self)
        self._connect_signals()
        self.start_unknown()

    def _name_parts(self) -> None:
        # The forms' fields, by the names the screen's flows (and its tests) use.
        k, u, d = self.known, self.unknown, self.done
        self.eligibility, self.limit, self.fault = k.eligibility, k.limit, k.fault
        self.claim_type, self.checklist = k.claim_type, k.checklist
        self.u_name, self.u_phone, self.u_email = u.name, u.phone, u.email
        self.u_product, self.u_serial, self.u_where = u.product, u.serial, u.where
        self.u_fault, self.proof_checklist = u.fault, u.proof_checklist
        self.number, self.done_detail, self.ticket_note = d.number, d.detail, d.ticket_note
        self.open_claim_button, self.ticket_button = d.open_claim_button, d.ticket_button

    def _connect_signals(self) -> None:
        # Switching between a known unit and an unknown sale.
        self.unknown_button.clicked.connect(lambda _checked=False: self.start_unknown())
        # The checklist follows the claim type; files come from the picker or a drop.
        self.claim_type.currentIndexChanged.connect(self._refresh_checklists)
        for checklist in (self.checklist, self.proof_checklist):
            checklist.attach_clicked.connect(self.choose_file)
            checklist.file_dropped.connect(self.attach_path)
        # Creating, then where to go next.
        self.create_button.clicked.connect(self.create_claim)
        bind_key(self, "Ctrl+Return", self.create_claim, where=IN_WIDGET_AND_CHILDREN)
        self.open_claim_button.clicked.connect(self._on_open_claim_clicked)
        # A claim already open on the unit: the reason names it, this opens it.
        self.known.open_existing_button.clicked.connect(self.open_existing_claim)
        bind_key(self, OPEN_CLAIM_KEY, self.open_existing_claim, where=IN_WIDGET_AND_CHILDREN)
        # The drop-off ticket prints on its own; these reprint it (marked COPY).
        self.ticket_button.clicked.connect(self.print_ticket)
        bind_key(self, "Ctrl+P", self.print_ticket, where=IN_WIDGET_AND_CHILDREN)
        self.done.counter_button.clicked.connect(
            lambda: self.ctx.navigate.emit("CounterScreen", None))

    # --- Screen hooks -----------------------------------------------------------------------

    def open(self, payload: object) -> None:
        if isinstance(payload, WarrantyVerdict):
            self.start_known(payload)
        elif isinstance(payload, UnknownSale):
            self.start_unknown(payload.serial)
        else:
            self.start_unknown()

    def unsaved_work(self) -> str:
        # The form is reset when the next claim starts: what is typed is lost on leaving.
        page = self.stack.currentWidget()
        form = (self.known.typed() if page is self.known_page
                else self.unknown.typed() if page is self.unknown_page else False)
        return "this claim" if form or (page is not self.done_page and self.pending) else ""

    # --- Messages ---------------------------------------------------------------------------

    def _say(self, text: str, level: str = "info") -> None:
        self.message.say(text, level)

    def _fail(self, exc: BaseException) -> None:
        self._say(*explain(exc, self.ctx.home))

    # --- Starting over ----------------------------------------------------------------------

    def clear_for_sign_out(self) -> None:
        self.done.clear()
        self.start_unknown()

    def _reset(self, serial: str = "") -> None:
        today = self.ctx.today()
        self.pending = {}
        self.preview = None
        self.started = None
        self.known.reset(today)
        self.unknown.reset(today, serial)
        self._say("")

    def _show_form(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        self.create_button.show()
        self._refresh_checklists()

    def start_known(self, verdict: WarrantyVerdict) -> None:
        """A claim on a looked-up unit: its preview decides what the form shows."""
        self._reset()
        self.verdict = verdict
        self.subject.setText(
            f"{verdict.product_name}  ·  serial {verdict.serial or 'not recorded'}  ·  "
            f"{verdict.warranty_code}\n{verdict.customer_name or 'anonymous sale'}  ·  sold "
            f"{verdict.sold_on} on {verdict.invoice_number}  ·  {verdict.headline}")
        self.known.show_verdict(verdict)
        self._show_form(self.known_page)
        self.create_button.setEnabled(False)
        self._refresh_preview()
        self.fault.setFocus()

    def _refresh_preview(self) -> None:
        if self.verdict is None:
            return
        actor = self.ctx.require_actor()
        db, code = self.ctx.db, self.verdict.warranty_code
        self.ctx.run(lambda: claims.preview(db, actor, code), self.show_preview,
                     self._fail)

    def show_preview(self, preview: ClaimPreview) -> None:
        """Eligibility in words, the claim limit, and the evidence checklist."""
        self.preview = preview
        self.known.show_preview(preview)
        e = preview.eligibility
        self.create_button.setVisible(e.eligible or e.needs_override)
        self.create_button.setEnabled(True)
        self._refresh_checklists()

    def start_unknown(self, serial: str = "") -> None:
        """A claim for a sale the shop has no record of; the serial the counter did not find
        is filled in."""
        self._reset(serial)
        self.verdict = None
        self.subject.setText("Unknown sale: the customer brings proof of purchase."
                             + (f" Serial {serial} is not in the shop's records." if serial
                                else ""))
        self._show_form(self.unknown_page)
        self.create_button.setEnabled(True)
        self.u_name.setFocus()

    def _refresh_checklists(self) -> None:
        self.checklist.set_kinds(self.known.evidence_kinds(self.preview), self.pending)
        self.proof_checklist.set_kinds((PROOF,), {PROOF: self.pending.get(PROOF, [])})

    # --- Attachments ------------------------------------------------------------------------

    def choose_file(self, kind: str) -> None:
        """The file picker for one checklist item."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, f"Attach {evidence_label(kind)}", str(Path.home()), FILE_FILTER)
        for path in paths:
            self.attach_path(kind, path)

    def attach_path(self, kind: str, path: str | Path) -> None:
        """Keep a file in the document store now; it joins the claim when the claim is made."""
        file = Path(path)
        store = DocumentStore(self.ctx.home.documents)
        self.ctx.run(lambda: claims.store_evidence_file(store, file, kind),
                     lambda doc: self._on_stored(kind, file.name, doc), self._fail)

    def _on_stored(self, kind: str, name: str, document: StoredDocument) -> None:
        files = self.pending.setdefault(kind, [])
        if all(f.document.sha256 != document.sha256 for f in files):
            files.append(PendingFile(kind, name, document))
        self._refresh_checklists()
        self._say(f"{evidence_label(kind).capitalize()} ready: {name}. It is added to the claim "
                  "when you create it.", "success")

    # --- Creating ---------------------------------------------------------------------------

    def create_claim(self) -> None:
        """Create the claim shown: a known unit's, or an unknown sale's."""
        if self.create_button.isHidden() or not self.create_button.isEnabled():
            return
        page = self.stack.currentWidget()
        if page is self.known_page:
            self._create_known()
        elif page is self.unknown_page:
            self._create_unknown()

    def _create_known(self, override: Override | None = None) -> None:
        if self.verdict is None:
            return
        data = self.known.claim_input(self.verdict.warranty_code)
        if len(data.fault) < 3:
            self._say("Describe the fault in the customer's words (a few words at least).",
                      "warning")
            self.fault.setFocus()
            return
        if override is None and self.preview and self.preview.eligibility.needs_override:
            override = self.ask_override(" ".join(self.preview.eligibility.reasons))
            if self.ctx.actor is None:
                return  # the counter locked while the manager was asked: nothing happens
            if override is None:
                self._say("The claim was not created: it needs a manager's approval.",
                          "warning")
                return
        files = [f for kind_files in self.pending.values() for f in kind_files]
        actor = self.ctx.require_actor()
        db = self.ctx.db

        def work() -> ClaimStarted:
            summary = claims.start_claim(db, actor, data, override=override)
            return attach_all(db, actor, summary, files)

        def failed(exc: BaseException) -> None:
            # The unit may have changed since the preview (another till opened a claim).
            if isinstance(exc, RuleBlocked) and exc.overridable and override is None:
                approval = self.ask_override(str(exc))
                if approval is not None:
                    self._create_known(approval)
                    return
            self._fail(exc)
            if isinstance(exc, RuleBlocked):
                self._refresh_preview()  # shows what blocks it now, and a claim opened meanwhile

        self.ctx.run(work, self._on_created, failed)

    def _create_unknown(self) -> None:
        proofs = self.pending.get(PROOF, [])
        if not proofs:
            self._say("Attach the customer's proof of purchase (receipt photo or PDF) first.",
                      "warning")
            return
        first = proofs[0]
        data = self.unknown.claim_input(first)
        if not data.product_description.strip():
            self._say("Write what the product is, as on the receipt.", "warning")
            self.u_product.setFocus()
            return
        extra = [f for files in self.pending.values() for f in files if f is not first]
        actor = self.ctx.require_actor()
        db = self.ctx.db

        def work() -> ClaimStarted:
            summary = claims.start_unknown_sale_claim(db, actor, data)
            return attach_all(db, actor, summary, extra)

        self.ctx.run(work, self._on_created, self._fail)

    def _ask_manager(self, blockers: str) -> Override | None:
        dialog = OverrideDialog(self.ctx, "Opening this claim needs a manager's approval.",
                                blockers, self)
        approvals: list[Override] = []
        dialog.approved.connect(approvals.append)
        dialog.exec()
        return approvals[0] if approvals else None

    def _on_created(self, started: ClaimStarted) -> None:
        summary = started.summary
        self.started = summary
        self.pending = {}
        printing = bool(self.print_desk.printers().receipt)
        self.done.show_started(started, ticket_printing=printing)
        self.stack.setCurrentWidget(self.done_page)
        self.create_button.hide()
        self._say("")
        self.ctx.data_changed.emit("claim")
        self.ctx.notice.emit(f"Claim {summary.number} created.", "success")
        self.open_claim_button.setFocus()
        if printing:
            self.print_desk.print_ticket(summary.number)

    def print_ticket(self) -> None:
        """The created claim's drop-off ticket (again: the copy says COPY)."""
        if self.started is None or self.stack.currentWidget() is not self.done_page:
            return
        self.print_desk.print_ticket(self.started.number)

    def open_existing_claim(self) -> None:
        """The claim already open on the unit, which blocks a new one."""
        if self.stack.currentWidget() is self.known_page and self.known.open_claim:
            self.ctx.navigate.emit("ClaimDetailScreen", self.known.open_claim)

    def _on_open_claim_clicked(self) -> None:
        if self.started is not None:
            self.ctx.navigate.emit("ClaimDetailScreen", self.started.number)
