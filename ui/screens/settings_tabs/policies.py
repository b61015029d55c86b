"""Settings > Policies: cover, terms, exclusions, evidence and limits; extension plans on sale."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ui.context import AppContext
from ui.screens.settings_tabs import SettingsTab
from warranty_desk.permissions import ROLE_LABELS, Permission, Role, allowed
from warranty_desk.rules.evidence import EVIDENCE_KINDS, evidence_label
from warranty_desk.services import shop_settings
from warranty_desk.services.catalogue import PolicyInput
from warranty_desk.services.claim_common import CLAIM_TYPES
from warranty_desk.services.shop_settings import PlanView, PolicyView

_OVERRIDERS = tuple(r for r in Role
                    if r is not Role.SYSTEM and allowed(r, Permission.OVERRIDE_RULE))
_PLAN_HEADERS = ("Offered", "Plan", "Months", "Price", "Categories", "Item price",
                 "Days after sale")


class PoliciesTab(SettingsTab):
    """Pick a policy on the left, change it on the right; plans below."""

    title = "Policies && plans"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.policies: tuple[PolicyView, ...] = ()
        self.plans: tuple[PlanView, ...] = ()
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.list = QListWidget()
        self.list.setMaximumWidth(260)
        top.addWidget(self.list)
        form = QFormLayout()
        self.name = QLineEdit()
        self.manufacturer_months = QSpinBox(maximum=240, suffix=" months")
        self.shop_months = QSpinBox(maximum=240, suffix=" months")
        self.terms = QPlainTextEdit()
        self.terms.setMaximumHeight(80)
        self.exclusions = QPlainTextEdit()
        self.exclusions.setPlaceholderText("One exclusion per line")
        self.exclusions.setMaximumHeight(80)
        self.evidence = QTableWidget(len(CLAIM_TYPES), len(EVIDENCE_KINDS))
        self.evidence.setHorizontalHeaderLabels([evidence_label(k) for k in EVIDENCE_KINDS])
        self.evidence.setVerticalHeaderLabels([t.replace("_", " ") for t in CLAIM_TYPES])
        self.evidence.setMaximumHeight(170)
        self.serial_required = QCheckBox("Units need a serial number")
        self.limit_on = QCheckBox("Limit claims per unit to")
        self.limit_count = QSpinBox(minimum=1, maximum=99, suffix=" claims")
        self.limit_period = QSpinBox(minimum=1, maximum=120, prefix="in ", suffix=" months")
        limit = QHBoxLayout()
        for widget in (self.limit_on, self.limit_count, self.limit_period):
            limit.addWidget(widget)
        self.overriders = {r: QCheckBox(ROLE_LABELS[r]) for r in _OVERRIDERS}
        roles = QHBoxLayout()
        for box in self.overriders.values():
            roles.addWidget(box)
        self.new_term = QCheckBox("A replacement unit starts a new term")
        self.save_button = QPushButton("Save policy  (Ctrl+S)")
        self.save_button.setObjectName("primary")
        form.addRow("Name", self.name)
        form.addRow("Manufacturer cover", self.manufacturer_months)
        form.addRow("Shop cover after it", self.shop_months)
        form.addRow("Terms", self.terms)
        form.addRow("Exclusions", self.exclusions)
        form.addRow("Evidence needed", self.evidence)
        form.addRow("", self.serial_required)
        form.addRow("Claim limit", limit)
        form.addRow("Who may override", roles)
        form.addRow("", self.new_term)
        form.addRow("", self.save_button)
        top.addLayout(form, 1)
        layout.addLayout(top, 3)
        note = QLabel("Extension plans offered at sale (a plan taken off sale stays valid for "
                      "the units that already have it):")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.plan_table = QTableWidget(0, len(_PLAN_HEADERS))
        self.plan_table.setHorizontalHeaderLabels(list(_PLAN_HEADERS))
        self.plan_table.verticalHeader().hide()
        self.plan_table.horizontalHeader().setStretchLastSection(True)
        self.plan_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.plan_table, 1)
        self.list.currentRowChanged.connect(self._on_list_row_changed)
        self.limit_on.toggled.connect(self._on_limit_on_toggled)
        self.save_button.clicked.connect(self.save)
        self.plan_table.itemChanged.connect(self._on_plan_table_item_changed)

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
        for r, claim_type in enumerate(CLAIM_TYPES):
            wanted = policy.evidence_required.get(claim_type, ())
            for c, kind in enumerate(EVIDENCE_KINDS):
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked if kind in wanted
                                   else Qt.CheckState.Unchecked)
                self.evidence.setItem(r, c, item)
        self.serial_required.setChecked(policy.serial_required)
        self.limit_on.setChecked(policy.claim_limit_count is not None)
        self.limit_count.setValue(policy.claim_limit_count or 1)
        self.limit_period.setValue(policy.claim_limit_period_months)
        self._on_limit_on_toggled(self.limit_on.isChecked())
        for role, box in self.overriders.items():
            box.setChecked(role in policy.override_roles)
        self.new_term.setChecked(policy.new_term_on_replacement)

    def _on_limit_on_toggled(self, on: bool) -> None:
        self.limit_count.setEnabled(on)
        self.limit_period.setEnabled(on)

    def form_input(self) -> PolicyInput:
        """What the form says, as the service takes it."""
        evidence = {}
        for r, claim_type in enumerate(CLAIM_TYPES):
            kinds = tuple(kind for c, kind in enumerate(EVIDENCE_KINDS)
                          if _checked(self.evidence.item(r, c)))
            if kinds:
                evidence[claim_type] = kinds
        return PolicyInput(
            name=self.name.text(), manufacturer_months=self.manufacturer_months.value(),
            shop_months=self.shop_months.value(), terms=self.terms.toPlainText(),
            exclusions=tuple(line.strip() for line in self.exclusions.toPlainText().splitlines()
                             if line.strip()),
            evidence_required=evidence, serial_required=self.serial_required.isChecked(),
            claim_limit_count=self.limit_count.value() if self.limit_on.isChecked() else None,
            claim_limit_period_months=self.limit_period.value(),
            override_roles=tuple(r for r, box in self.overriders.items() if box.isChecked()),
            new_term_on_replacement=self.new_term.isChecked())

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
        self.plan_table.blockSignals(True)
        self.plan_table.setRowCount(len(self.plans))
        for n, plan in enumerate(self.plans):
            offered = QTableWidgetItem("on sale" if plan.active else "off sale")
            offered.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            offered.setCheckState(Qt.CheckState.Checked if plan.active
                                  else Qt.CheckState.Unchecked)
            offered.setData(Qt.ItemDataRole.UserRole, plan.id)
            top = self.money(plan.max_price_minor) if plan.max_price_minor is not None else "any"
            cells: list[Any] = [offered, plan.name, str(plan.months), self.money(plan.price_minor),
                                ", ".join(plan.categories) or "all",
                                f"{self.money(plan.min_price_minor)} to {top}",
                                str(plan.max_days_since_sale)]
            for c, cell in enumerate(cells):
                self.plan_table.setItem(n, c, cell if isinstance(cell, QTableWidgetItem)
                                        else QTableWidgetItem(cell))
        self.plan_table.resizeColumnsToContents()
        self.plan_table.blockSignals(False)

    def _on_plan_table_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        plan_id: uuid.UUID = item.data(Qt.ItemDataRole.UserRole)
        active = item.checkState() == Qt.CheckState.Checked
        actor = self.ctx.require_actor()

        def done(plan: PlanView) -> None:
            word = "is offered at sale again" if plan.active else "is no longer offered"
            self.ctx.notice.emit(f"{plan.name} {word}.", "success")
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.ctx.report(exc)
            self.refresh()  # put the tick back as it is in the database

        self.ctx.run(lambda: shop_settings.set_plan_active(self.ctx.db, actor, plan_id, active),
                     done, failed)


def _checked(item: QTableWidgetItem | None) -> bool:
    return item is not None and item.checkState() == Qt.CheckState.Checked
