"""Start a claim: fault, channel, the policy's evidence with attachments, eligibility, a number."""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext, explain
from ui.printing.desk import PrintDesk
from ui.screens.base import Screen
from ui.widgets.layout import scroll_area
from ui.widgets.override_dialog import OverrideDialog
from ui.widgets.styling import set_style_property, show_level
from warranty_desk.errors import RuleBlocked, WarrantyDeskError
from warranty_desk.permissions import Actor, Permission
from warranty_desk.resources import resource_dir
from warranty_desk.rules.evidence import evidence_label
from warranty_desk.services import claims
from warranty_desk.services.claim_common import CHANNELS, CLAIM_TYPES, Override
from warranty_desk.services.claims import ClaimPreview, ClaimSummary, StartClaim
from warranty_desk.services.customers import CustomerInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore, StoredDocument
from warranty_desk.views import WarrantyVerdict

log = logging.getLogger(__name__)

CLAIM_TYPE_WORDS = {"fault": "Fault", "dead_on_arrival": "Dead on arrival",
                    "cosmetic": "Cosmetic damage", "battery": "Battery"}
CHANNEL_WORDS = {"counter": "At the counter", "portal": "Customer portal",
                 "online_order": "Online order", "phone": "Phone"}
FILE_FILTER = ("Photos, videos and PDFs (*.jpg *.jpeg *.png *.gif *.webp *.heic *.heif *.pdf "
               "*.mp4 *.mov);;All files (*)")
PROOF = "proof_of_purchase"
# The same ISO dates the verdict card and the slips show.
DATE_FORMAT = "yyyy-MM-dd"


@functools.cache
def load_faults() -> dict[str, tuple[str, ...]]:
    """Common faults by category from resources/presets/faults.toml (read once)."""
    path = resource_dir() / "presets" / "faults.toml"
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        # Presets only speed typing up; without them staff type the fault in full.
        log.warning("fault presets unreadable at %s", path, exc_info=True)
        return {}
    faults = data.get("faults", {})
    return {str(k).casefold(): tuple(str(x) for x in v) for k, v in faults.items()
            if isinstance(v, list)}


def faults_for(category: str | None) -> tuple[str, ...]:
    """The category's common faults, or every preset when the category is unknown."""
    presets = load_faults()
    if category and category.casefold() in presets:
        return presets[category.casefold()]
    return tuple(f for faults in presets.values() for f in faults)


@dataclass(frozen=True, slots=True)
class PendingFile:
    """A file already in the document store, waiting for its claim to exist."""

    kind: str
    name: str
    document: StoredDocument


@dataclass(frozen=True, slots=True)
class ClaimStarted:
    """The new claim and any attachment that could not be added to it."""

    summary: ClaimSummary
    problems: tuple[str, ...]


class EvidenceRow(QFrame):
    """One checklist item: what is needed, what is attached, Attach, and a drop target."""

    attach_clicked = Signal(str)
    file_dropped = Signal(str, str)  # kind, local path

    def __init__(self, kind: str, *, required: bool) -> None:
        super().__init__()
        self.kind = kind
        self.setObjectName("card")
        self.setStyleSheet("QLabel { background: transparent; }")
        self.setAcceptDrops(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        name = QLabel(evidence_label(kind).capitalize() + (" (required)" if required else ""))
        name.setMinimumWidth(220)
        row.addWidget(name)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.button = QPushButton("Attach…")
        self.button.clicked.connect(lambda: self.attach_clicked.emit(self.kind))
        row.addWidget(self.button)
        self.show_files(())

    def show_files(self, names: Sequence[str]) -> None:
        """✔ with the file names, or ✖ and how to attach."""
        if names:
            self.status.setText("✔  " + ", ".join(names))
        else:
            self.status.setText("✖  missing: drop a file here or press Attach")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.file_dropped.emit(self.kind, url.toLocalFile())
        event.acceptProposedAction()


class EvidenceChecklist(QWidget):
    """The evidence rows for one claim type; attached files are shown against their kind."""

    attach_clicked = Signal(str)
    file_dropped = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[str, EvidenceRow] = {}
        self.empty = QLabel("The policy asks for no documents for this claim type.")
        self.empty.setObjectName("subtle")
        self._layout.addWidget(self.empty)

    def set_kinds(self, kinds: Sequence[str], files: dict[str, list[PendingFile]]) -> None:
        """Rows for these kinds, plus any kind that already has a file."""
        for row in self.rows.values():
            row.setParent(None)
            row.deleteLater()
        self.rows = {}
        shown = list(dict.fromkeys([*kinds, *(k for k, v in files.items() if v)]))
        for kind in shown:
            row = EvidenceRow(kind, required=kind in kinds)
            row.attach_clicked.connect(self.attach_clicked)
            row.file_dropped.connect(self.file_dropped)
            row.show_files([f.name for f in files.get(kind, [])])
            self.rows[kind] = row
            self._layout.addWidget(row)
        self.empty.setVisible(not shown)


def _combo(words: dict[str, str], values: Sequence[str]) -> QComboBox:
    box = QComboBox()
    for value in values:
        box.addItem(words.get(value, value.replace("_", " ")), value)
    return box


def _fault_box(faults: Sequence[str]) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.addItems(list(faults))
    box.setCurrentIndex(-1)
    line = box.lineEdit()
    if line is not None:
        line.setPlaceholderText("Pick a common fault or type the customer's own words")
    return box


def _day(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class StartClaimScreen(Screen):
    """A claim on the unit shown at the counter, or on a sale the shop does not know."""

    title = "Start claim"
    shortcut = ""
    permission = Permission.START_CLAIM
    help_keys = (
        ("Ctrl+Return", "Create the claim"),
        ("Drop a file", "Attach it to the checklist item it is dropped on"),
        ("Ctrl+P", "Print the claim's drop-off ticket (after the claim is created)"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        top = QHBoxLayout()
        self.subject = QLabel("Look a unit up at the counter, then press Ctrl+N.")
        self.subject.setWordWrap(True)
        top.addWidget(self.subject, 1)
        self.unknown_button = QPushButton("Unknown sale…")
        self.unknown_button.setToolTip("The shop has no record of the sale: start the claim "
                                       "with the customer's proof of purchase")
        top.addWidget(self.unknown_button)
        layout.addLayout(top)
        self.message = QLabel("")
        self.message.setObjectName("notice")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self._build_known_page()
        self._build_unknown_page()
        self._build_done_page()
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.create_button = QPushButton("Create claim  (Ctrl+Return)")
        self.create_button.setObjectName("primary")
        bottom.addWidget(self.create_button)
        layout.addLayout(bottom)

        self.verdict: WarrantyVerdict | None = None
        self.preview: ClaimPreview | None = None
        self.pending: dict[str, list[PendingFile]] = {}
        self.started: ClaimSummary | None = None
        # Asks a manager for their PIN and a reason; given the blockers in words.
        self.ask_override: Callable[[str], Override | None] = self._ask_manager
        self.print_desk = PrintDesk(ctx, self)
        self._connect_signals()
        self.start_unknown()

    # --- Building ---------------------------------------------------------------------------

    def _build_known_page(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.eligibility = QLabel("")
        self.eligibility.setObjectName("notice")
        self.eligibility.setWordWrap(True)
        column.addWidget(self.eligibility)
        self.limit = QLabel("")
        self.limit.setObjectName("subtle")
        column.addWidget(self.limit)
        form = QFormLayout()
        self.claim_type = _combo(CLAIM_TYPE_WORDS, CLAIM_TYPES)
        form.addRow("Claim type", self.claim_type)
        self.channel = _combo(CHANNEL_WORDS, CHANNELS)
        form.addRow("Channel", self.channel)
        self.fault = _fault_box(())
        form.addRow("Fault", self.fault)
        self.accessories = QLineEdit()
        self.accessories.setPlaceholderText("What was handed in with it: charger, case, box…")
        form.addRow("Accessories", self.accessories)
        self.condition = QLineEdit()
        self.condition.setPlaceholderText("Visible condition: scratches, dents, cracks…")
        form.addRow("Condition", self.condition)
        self.promised = QDateEdit()
        self.promised.setCalendarPopup(True)
        self.promised.setDisplayFormat(DATE_FORMAT)
        form.addRow("Promised by", self.promised)
        column.addLayout(form)
        column.addWidget(QLabel("Evidence the policy asks for"))
        self.checklist = EvidenceChecklist()
        column.addWidget(self.checklist)
        self.exclusions = QLabel("")
        self.exclusions.setObjectName("subtle")
        self.exclusions.setWordWrap(True)
        column.addWidget(self.exclusions)
        column.addStretch(1)
        self.known_page = scroll_area(inner)
        self.stack.addWidget(self.known_page)

    def _build_unknown_page(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        intro = QLabel("The shop has no record of this sale. The claim starts with the "
                       "customer's proof of purchase, which a manager or support checks later.")
        intro.setWordWrap(True)
        column.addWidget(intro)
        form = QFormLayout()
        self.u_name = QLineEdit()
        form.addRow("Customer", self.u_name)
        self.u_phone = QLineEdit()
        form.addRow("Phone", self.u_phone)
        self.u_email = QLineEdit()
        form.addRow("Email", self.u_email)
        self.u_product = QLineEdit()
        self.u_product.setPlaceholderText("As on the receipt, e.g. Orbit X Phone 128 GB black")
        form.addRow("Product", self.u_product)
        self.u_sku = QLineEdit()
        self.u_sku.setPlaceholderText("Optional: our SKU, if it is a product we sell")
        form.addRow("SKU", self.u_sku)
        self.u_serial = QLineEdit()
        form.addRow("Serial", self.u_serial)
        self.u_bought_on = QDateEdit()
        self.u_bought_on.setCalendarPopup(True)
        self.u_bought_on.setDisplayFormat(DATE_FORMAT)
        form.addRow("Bought on", self.u_bought_on)
        self.u_where = QLineEdit()
        self.u_where.setPlaceholderText("Shop, branch or website")
        form.addRow("Bought at", self.u_where)
        self.u_fault = _fault_box(faults_for(None))
        form.addRow("Fault", self.u_fault)
        self.u_claim_type = _combo(CLAIM_TYPE_WORDS, CLAIM_TYPES)
        form.addRow("Claim type", self.u_claim_type)
        self.u_channel = _combo(CHANNEL_WORDS, CHANNELS)
        form.addRow("Channel", self.u_channel)
        column.addLayout(form)
        column.addWidget(QLabel("Proof of purchase"))
        self.proof_checklist = EvidenceChecklist()
        column.addWidget(self.proof_checklist)
        column.addStretch(1)
        self.unknown_page = scroll_area(inner)
        self.stack.addWidget(self.unknown_page)

    def _build_done_page(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.ticket_note = QLabel("")
        self.ticket_note.setWordWrap(True)
        column.addWidget(self.ticket_note)
        self.number = QLabel("")
        self.number.setObjectName("claimNumber")
        self.number.setStyleSheet("font-size: 40px; font-weight: 800;")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addWidget(self.number)
        self.done_detail = QLabel("")
        self.done_detail.setWordWrap(True)
        column.addWidget(self.done_detail)
        buttons = QHBoxLayout()
        self.open_claim_button = QPushButton("Open claim")
        self.open_claim_button.setObjectName("primary")
        buttons.addWidget(self.open_claim_button)
        self.ticket_button = QPushButton("Print ticket again  (Ctrl+P)")
        buttons.addWidget(self.ticket_button)
        self.counter_button = QPushButton("Back to the counter")
        buttons.addWidget(self.counter_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        column.addStretch(1)
        self.done_page = scroll_area(inner)
        self.stack.addWidget(self.done_page)

    def _connect_signals(self) -> None:
        # Switching between a known unit and an unknown sale.
        self.unknown_button.clicked.connect(self.start_unknown)
        # The checklist follows the claim type; files come from the picker or a drop.
        self.claim_type.currentIndexChanged.connect(self._refresh_checklists)
        for checklist in (self.checklist, self.proof_checklist):
            checklist.attach_clicked.connect(self.choose_file)
            checklist.file_dropped.connect(self.attach_path)
        # Creating, then where to go next.
        self.create_button.clicked.connect(self.create_claim)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.create_claim)
        self.open_claim_button.clicked.connect(self._on_open_claim_clicked)
        # The drop-off ticket prints on its own; these reprint it (marked COPY).
        self.ticket_button.clicked.connect(self.print_ticket)
        reprint = QShortcut(QKeySequence("Ctrl+P"), self)
        reprint.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        reprint.activated.connect(self.print_ticket)
        self.counter_button.clicked.connect(
            lambda: self.ctx.navigate.emit("CounterScreen", None))

    # --- Screen hooks -----------------------------------------------------------------------

    def open(self, payload: object) -> None:
        if isinstance(payload, WarrantyVerdict):
            self.start_known(payload)
        else:
            self.start_unknown()

    # --- Messages ---------------------------------------------------------------------------

    def _say(self, text: str, level: str = "info") -> None:
        show_level(self.message, text, level)
        self.message.setVisible(bool(text))
        if text and level in ("warning", "error"):
            self.ctx.notice.emit(text, level)

    def _fail(self, exc: BaseException) -> None:
        self._say(*explain(exc, self.ctx.home))

    def _level(self, label: QLabel, level: str) -> None:
        set_style_property(label, "level", level)

    # --- Starting over ----------------------------------------------------------------------

    def _reset(self) -> None:
        today = self.ctx.today()
        self.pending = {}
        self.preview = None
        self.started = None
        for field in (self.accessories, self.condition, self.u_name, self.u_phone, self.u_email,
                      self.u_product, self.u_sku, self.u_serial, self.u_where):
            field.clear()
        for box in (self.claim_type, self.channel, self.u_claim_type, self.u_channel):
            box.setCurrentIndex(0)
        for fault in (self.fault, self.u_fault):
            fault.setCurrentIndex(-1)
            fault.setEditText("")
        self.promised.setMinimumDate(_qdate(today))
        self.promised.setDate(_qdate(today + timedelta(days=claims.DEFAULT_PROMISE_DAYS)))
        self.u_bought_on.setMaximumDate(_qdate(today))
        self.u_bought_on.setDate(_qdate(today))
        self._say("")

    def start_known(self, verdict: WarrantyVerdict) -> None:
        """A claim on a looked-up unit: its preview decides what the form shows."""
        self._reset()
        self.verdict = verdict
        self.subject.setText(
            f"{verdict.product_name}  ·  serial {verdict.serial or 'not recorded'}  ·  "
            f"{verdict.warranty_code}\n{verdict.customer_name or 'anonymous sale'}  ·  sold "
            f"{verdict.sold_on} on {verdict.invoice_number}  ·  {verdict.headline}")
        self.fault.clear()
        self.fault.addItems(list(faults_for(verdict.category)))
        self.fault.setCurrentIndex(-1)
        self.eligibility.setText("Checking the policy…")
        self._level(self.eligibility, "info")
        self.limit.setText("")
        self.exclusions.setText("Not covered: " + ", ".join(verdict.exclusions) + "."
                                if verdict.exclusions else "")
        self.stack.setCurrentWidget(self.known_page)
        self.create_button.show()
        self.create_button.setEnabled(False)
        self._refresh_checklists()
        actor = self.ctx.require_actor()
        db, today, code = self.ctx.db, self.ctx.today(), verdict.warranty_code
        self.ctx.run(lambda: claims.preview(db, actor, code, today=today), self.show_preview,
                     self._fail)
        self.fault.setFocus()

    def show_preview(self, preview: ClaimPreview) -> None:
        """Eligibility in words, the claim limit, and the evidence checklist."""
        self.preview = preview
        e = preview.eligibility
        if e.eligible:
            self.eligibility.setText("✔  A claim can be opened. " + " ".join(e.reasons))
            self._level(self.eligibility, "success")
        elif e.needs_override:
            self.eligibility.setText("⚠  Needs a manager's approval: " + " ".join(e.reasons))
            self._level(self.eligibility, "warning")
        else:
            self.eligibility.setText("✖  A claim is not possible: " + " ".join(e.reasons))
            self._level(self.eligibility, "error")
        self.limit.setText("Claim limit: " + preview.limit.message)
        self.create_button.setVisible(e.eligible or e.needs_override)
        self.create_button.setEnabled(True)
        self._refresh_checklists()

    def start_unknown(self) -> None:
        """A claim for a sale the shop has no record of."""
        self._reset()
        self.verdict = None
        self.subject.setText("Unknown sale: the customer brings proof of purchase.")
        self.stack.setCurrentWidget(self.unknown_page)
        self.create_button.show()
        self.create_button.setEnabled(True)
        self._refresh_checklists()
        self.u_name.setFocus()

    def _refresh_checklists(self) -> None:
        kinds: tuple[str, ...] = ()
        if self.preview is not None:
            claim_type = str(self.claim_type.currentData())
            kinds = self.preview.evidence_required.get(claim_type, ())
        self.checklist.set_kinds(kinds, self.pending)
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
        self.ctx.run(lambda: store.put_file(file),
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

    def _known_input(self) -> StartClaim | None:
        if self.verdict is None:
            return None
        return StartClaim(
            self.verdict.warranty_code, self.fault.currentText().strip(),
            channel=str(self.channel.currentData()),
            claim_type=str(self.claim_type.currentData()),
            accessories=self.accessories.text(), condition=self.condition.text(),
            promised_on=_day(self.promised))

    def _create_known(self, override: Override | None = None) -> None:
        data = self._known_input()
        if data is None:
            return
        if len(data.fault) < 3:
            self._say("Describe the fault in the customer's words (a few words at least).",
                      "warning")
            self.fault.setFocus()
            return
        if override is None and self.preview and self.preview.eligibility.needs_override:
            override = self.ask_override(" ".join(self.preview.eligibility.reasons))
            if override is None:
                self._say("The claim was not created: it needs a manager's approval.",
                          "warning")
                return
        files = [f for kind_files in self.pending.values() for f in kind_files]
        actor = self.ctx.require_actor()
        db, today = self.ctx.db, self.ctx.today()

        def work() -> ClaimStarted:
            summary = claims.start_claim(db, actor, data, today=today, override=override)
            return _attach_all(db, actor, summary, files)

        def failed(exc: BaseException) -> None:
            # The unit may have changed since the preview (another till opened a claim).
            if isinstance(exc, RuleBlocked) and exc.overridable and override is None:
                approval = self.ask_override(str(exc))
                if approval is not None:
                    self._create_known(approval)
                    return
            self._fail(exc)

        self.ctx.run(work, self._on_created, failed)

    def _create_unknown(self) -> None:
        proofs = self.pending.get(PROOF, [])
        if not proofs:
            self._say("Attach the customer's proof of purchase (receipt photo or PDF) first.",
                      "warning")
            return
        first = proofs[0]
        data = claims.StartUnknownSaleClaim(
            customer=CustomerInput(self.u_name.text(), self.u_phone.text(), self.u_email.text()),
            product_description=self.u_product.text(), serial=self.u_serial.text(),
            purchased_on=_day(self.u_bought_on), purchased_where=self.u_where.text(),
            fault=self.u_fault.currentText().strip(), proof_sha256=first.document.sha256,
            proof_media_type=first.document.media_type, proof_size=first.document.size,
            proof_name=first.name, sku=self.u_sku.text().strip() or None,
            channel=str(self.u_channel.currentData()),
            claim_type=str(self.u_claim_type.currentData()))
        if not data.product_description.strip():
            self._say("Write what the product is, as on the receipt.", "warning")
            self.u_product.setFocus()
            return
        extra = [f for files in self.pending.values() for f in files if f is not first]
        actor = self.ctx.require_actor()
        db, today = self.ctx.db, self.ctx.today()

        def work() -> ClaimStarted:
            summary = claims.start_unknown_sale_claim(db, actor, data, today=today)
            return _attach_all(db, actor, summary, extra)

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
        self.number.setText(summary.number)
        lines = [f"State: {summary.state.replace('_', ' ')}."]
        if summary.proof_status == "unverified":
            lines.append("The proof of purchase waits to be checked by support or a manager.")
        if summary.missing_evidence:
            lines.append("Still needed before review: " + ", ".join(
                evidence_label(k) for k in summary.missing_evidence) + ".")
        else:
            lines.append("Every document the policy asks for is attached.")
        lines += [f"Not attached: {p}" for p in started.problems]
        self.done_detail.setText("\n".join(lines))
        self.stack.setCurrentWidget(self.done_page)
        self.create_button.hide()
        self._say("")
        self.ctx.data_changed.emit("claim")
        self.ctx.notice.emit(f"Claim {summary.number} created.", "success")
        self.open_claim_button.setFocus()
        # The receipt printer prints at once; a page printer needs its print dialog, which
        # the person opens when ready rather than having it jump up unasked.
        if self.print_desk.printers().receipt:
            self.ticket_note.setText("Claim created. The customer's drop-off ticket is "
                                     "printing; the claim number is:")
            self.ticket_button.setText("Print ticket again  (Ctrl+P)")
            self.print_desk.print_ticket(summary.number)
        else:
            self.ticket_note.setText("Claim created. No receipt printer is set up, so the "
                                     "drop-off ticket prints as a page: press Ctrl+P. The claim "
                                     "number is:")
            self.ticket_button.setText("Print ticket…  (Ctrl+P)")

    def print_ticket(self) -> None:
        """The created claim's drop-off ticket (again: the copy says COPY)."""
        if self.started is None or self.stack.currentWidget() is not self.done_page:
            return
        self.print_desk.print_ticket(self.started.number)

    def _on_open_claim_clicked(self) -> None:
        if self.started is not None:
            self.ctx.navigate.emit("ClaimDetailScreen", self.started.number)


def _attach_all(db: Database, actor: Actor, summary: ClaimSummary,
                files: Sequence[PendingFile]) -> ClaimStarted:
    """Attach the files kept before the claim existed; the claim stands if one is refused."""
    problems = []
    for f in files:
        try:
            summary = claims.attach_evidence(
                db, actor, summary.number, kind=f.kind, sha256=f.document.sha256,
                media_type=f.document.media_type, size=f.document.size, original_name=f.name)
        except WarrantyDeskError as exc:
            problems.append(f"{f.name}: {exc}")
    return ClaimStarted(summary, tuple(problems))
