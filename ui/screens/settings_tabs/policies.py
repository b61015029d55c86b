"""Settings > Policies: cover, terms, exclusions, evidence and limits; extension plans on sale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.models.evidence_matrix import EvidenceMatrixModel
from ui.models.record_table import Column, RecordTableModel
from ui.money import money
from ui.screens.settings_tabs import SettingsTab
from ui.widgets.column_fit import fit_width
from ui.widgets.labels import Label
from ui.widgets.layout import scroll_area
from ui.widgets.record_view import fit_columns, record_view
from warranty_desk.permissions import ROLE_LABELS, Permission, Role, allowed
from warranty_desk.rules.evidence import EVIDENCE_KINDS
from warranty_desk.services import shop_settings
from warranty_desk.services.catalogue import PolicyInput
from warranty_desk.services.claim_common import CLAIM_TYPES
from warranty_desk.services.shop_settings import PlanView, PolicyView

_OVERRIDERS = tuple(r for r in Role
                    if r is not Role.SYSTEM and allowed(r, Permission.OVERRIDE_RULE))
# Room for a handful of plans before the table scrolls.
PLAN_TABLE_HEIGHT = 190


class PoliciesTab(SettingsTab):
    """Pick a policy on the left, change it on the right; plans below."""

    title = "Policies && plans"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.policies: tuple[PolicyView, ...] = ()
        self.plans: tuple[PlanView, ...] = ()
        inner = QWidget()
        layout = QVBoxLayout(inner)
        top = QHBoxLayout()
        self.list = QListWidget()
        self.list.setFixedWidth(220)
        top.addWidget(self.list)
        top.addLayout(self._policy_form(), 1)
        layout.addLayout(top)
        layout.addWidget(Label("Evidence a claim needs, by claim type:"))
        self.evidence_model = EvidenceMatrixModel(EVIDENCE_KINDS, CLAIM_TYPES)
        self.evidence = _evidence_view(self.evidence_model)
        layout.addWidget(self.evidence)
        save_row = QHBoxLayout()
        self.save_button = QPushButton("Save policy  (Ctrl+S)")
        self.save_button.setObjectName("primary")
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        layout.addLayout(save_row)
        note = Label("Extension plans offered at sale (a plan taken off sale stays valid for "
                      "the units that already have it; tick or untick with a click or Space):")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.plan_model: RecordTableModel[PlanView] = RecordTableModel((
            Column("Offered", lambda p: "on sale" if p.active else "off sale",
                   checked=lambda p: p.active),
            Column("Plan", lambda p: p.name),
            Column("Months", lambda p: str(p.months), numeric=True),
            Column("Price", lambda p: money(p.price_minor), numeric=True),
            Column("Categories", lambda p: ", ".join(p.categories) or "all"),
            Column("Item price", self._price_band),
            # A short header over a short number leaves the price band room at 1024 px.
            Column("Buy within", lambda p: f"{p.max_days_since_sale} days", numeric=True,
                   tooltip=lambda p: f"Offered up to {p.max_days_since_sale} days after the "
                                     "sale"),
        ), key=lambda p: p.id)
        self.plan_table = record_view(self.plan_model, "plans")
        fit_width(self.plan_table, cut=("Plan", "Categories", "Item price"))
        self.plan_table.setMinimumHeight(PLAN_TABLE_HEIGHT)
        layout.addWidget(self.plan_table)
        layout.addStretch(1)
        # The form, the grid and the plans do not fit 1024×768 together: the tab scrolls.
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll_area(inner))
        self.list.currentRowChanged.connect(self._on_list_row_changed)
        self.limit_on.toggled.connect(self._on_limit_on_toggled)
        self.save_button.clicked.connect(self.save)
        self.plan_model.check_toggled.connect(self._on_plan_model_check_toggled)

    def _policy_form(self) -> QFormLayout:
        form = QFormLayout()
        # Beside the policy list there is little room: a long row puts its label above it.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.name = QLineEdit()
        self.manufacturer_months = QSpinBox(maximum=240, suffix=" months")
        self.shop_months = QSpinBox(maximum=240, suffix=" months")
        self.terms = QPlainTextEdit()
        self.terms.setMaximumHeight(80)
        self.exclusions = QPlainTextEdit()
        self.exclusions.setPlaceholderText("One exclusion per line")
        self.exclusions.setMaximumHeight(80)
        self.serial_required = QCheckBox("Units need a serial number")
        self.limit_on = QCheckBox("At most")
        self.limit_count = QSpinBox(minimum=1, maximum=99, suffix=" claims")
        self.limit_period = QSpinBox(minimum=1, maximum=120, prefix="in ", suffix=" months")
        limit = QHBoxLayout()
        for widget in (self.limit_on, self.limit_count, self.limit_period):
            limit.addWidget(widget)
        limit.addStretch(1)
        self.overriders = {r: QCheckBox(ROLE_LABELS[r]) for r in _OVERRIDERS}
        roles = QHBoxLayout()
        for box in self.overriders.values():
            roles.addWidget(box)
        roles.addStretch(1)
        self.new_term = QCheckBox("A replacement unit starts a new term")
        form.addRow("Name", self.name)
        form.addRow("Manufacturer cover", self.manufacturer_months)
        form.addRow("Shop cover after it", self.shop_months)
        form.addRow("Terms", self.terms)
        form.addRow("Exclusions", self.exclusions)
        form.addRow("", self.serial_required)
        form.addRow("Claim limit", limit)
        form.addRow("Who may override", roles)
        form.addRow("", self.new_term)
        self.message_edit = QCheckBox("Staff may reword a customer message before it goes")
        form.addRow("", self.message_edit)
        return form

    def _price_band(self, plan: PlanView) -> str:
        top = money(plan.max_price_minor) if plan.max_price_minor is not None else "any"
        return f"{money(plan.min_price_minor)} to {top}"

    def refresh(self) -> None:
        def load() -> tuple[tuple[PolicyView, ...], tuple[PlanView, ...]]:
            db = self.ctx.db
            return shop_settings.list_policies(db), shop_settings.list_extension_plans(db)

        self.ctx.run(load, self._fill)

    def _fill(self, loaded: tuple[tuple[PolicyView, ...], tuple[PlanView, ...]]) -> None:
        current = self.current()
        keep = current.id if current is not None else None
        self.policies, self.plans = loaded
        self.list.blockSignals(True)
        self.list.clear()
        for policy in self.policies:
            item = QListWidgetItem(f"{policy.name}\n{policy.products} products")
            self.list.addItem(item)
        self.list.blockSignals(False)
        rows = [n for n, p in enumerate(self.policies) if p.id == keep] or [0]
        self.list.setCurrentRow(rows[0] if self.policies else -1)
        self._on_list_row_changed(self.list.currentRow())
        self._fill_plans()

    def current(self) -> PolicyView | None:
        row = self.list.currentRow()
        return self.policies[row] if 0 <= row < len(self.policies) else None

    def _on_list_row_changed(self, _row: int) -> None:
        policy = self.current()
        self.save_button.setEnabled(policy is not None)
        if policy is None:
            return
        self.name.setText(policy.name)
        self.manufacturer_months.setValue(policy.manufacturer_months)
        self.shop_months.setValue(policy.shop_months)
        self.terms.setPlainText(policy.terms)
        self.exclusions.setPlainText("\n".join(policy.exclusions))
        self.evidence_model.set_required(policy.evidence_required)
        self.serial_required.setChecked(policy.serial_required)
        self.limit_on.setChecked(policy.claim_limit_count is not None)
        self.limit_count.setValue(policy.claim_limit_count or 1)
        self.limit_period.setValue(policy.claim_limit_period_months)
        self._on_limit_on_toggled(self.limit_on.isChecked())
        for role, box in self.overriders.items():
            box.setChecked(role in policy.override_roles)
        self.new_term.setChecked(policy.new_term_on_replacement)
        self.message_edit.setChecked(policy.message_edit_allowed)

    def _on_limit_on_toggled(self, on: bool) -> None:
        self.limit_count.setEnabled(on)
        self.limit_period.setEnabled(on)

    def form_input(self) -> PolicyInput:
        """What the form says, as the service takes it."""
        evidence = self.evidence_model.required()
        return PolicyInput(
            name=self.name.text(), manufacturer_months=self.manufacturer_months.value(),
            shop_months=self.shop_months.value(), terms=self.terms.toPlainText(),
            exclusions=tuple(line.strip() for line in self.exclusions.toPlainText().splitlines()
                             if line.strip()),
            evidence_required=evidence, serial_required=self.serial_required.isChecked(),
            claim_limit_count=self.limit_count.value() if self.limit_on.isChecked() else None,
            claim_limit_period_months=self.limit_period.value(),
            override_roles=tuple(r for r, box in self.overriders.items() if box.isChecked()),
            new_term_on_replacement=self.new_term.isChecked(),
            message_edit_allowed=self.message_edit.isChecked())

    def save(self) -> None:
        policy = self.current()
        if policy is None:
            return
        data, actor, policy_id = self.form_input(), self.ctx.require_actor(), policy.id
        self.ctx.run(lambda: shop_settings.update_policy(self.ctx.db, actor, policy_id, data),
                     self._saved)

    def _saved(self, view: PolicyView) -> None:
        self.ctx.data_changed.emit("settings")
        self.ctx.notice.emit(f"Policy {view.name} saved. Units already sold keep the dates "
                             "they were given.", "success")
        self.refresh()

    def _fill_plans(self) -> None:
        self.plan_model.set_records(self.plans)
        fit_columns(self.plan_table)

    def _on_plan_model_check_toggled(self, plan: PlanView, active: bool) -> None:
        actor, plan_id = self.ctx.require_actor(), plan.id

        def done(plan: PlanView) -> None:
            word = "is offered at sale again" if plan.active else "is no longer offered"
            self.ctx.notice.emit(f"{plan.name} {word}.", "success")
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.ctx.report(exc)
            self.refresh()  # the tick shows what the database holds

        self.ctx.run(lambda: shop_settings.set_plan_active(self.ctx.db, actor, plan_id, active),
                     done, failed)


def _evidence_view(model: EvidenceMatrixModel) -> QTableView:
    """The tick grid, tall enough for every kind and as wide as the page."""
    view = QTableView()
    view.setObjectName("evidenceMatrix")
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)
    # Each claim type as wide as its name ("Dead on arrival" was cut when all four shared
    # the width equally); the last one takes what is left.
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    rows = sum(view.verticalHeader().sectionSizeHint(n) for n in range(model.rowCount()))
    view.setFixedHeight(rows + view.horizontalHeader().sizeHint().height()
                        + 2 * view.frameWidth())
    return view
