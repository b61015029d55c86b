"""Settings > Staff: who can sign in, in which role; add people, reset PINs, unlock accounts
locked after wrong PINs, switch accounts off. A manager sees the list and unlocks only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.models.record_table import Column, RecordTableModel
from ui.screens.settings_tabs import SettingsTab
from ui.widgets.layout import scroll_area
from ui.widgets.pin_field import DIGITS, pin_field
from ui.widgets.record_view import fit_columns, record_view
from warranty_desk.permissions import ROLE_LABELS, Permission, Role
from warranty_desk.services import staff
from warranty_desk.services.staff import StaffView


def _account(person: StaffView) -> str:
    if not person.active:
        return "switched off"
    if person.needs_unlock:  # a manager may not unlock an owner's or an admin's account
        return ("locked until another owner or admin unlocks it"
                if person.role in (Role.OWNER, Role.ADMIN) else "locked until a manager unlocks it")
    return "locked after wrong PINs" if person.locked_until is not None else "active"


UNLOCK_HINT = "Lift a lock after wrong PINs; the person can sign in with their PIN again"
COLUMNS: tuple[Column[StaffView], ...] = (
    Column("Name", lambda p: p.name),
    Column("Role", lambda p: ROLE_LABELS[p.role]),
    Column("Account", _account),
)


class StaffTab(SettingsTab):
    """The staff list, a form to add a person, and actions on the person picked."""

    title = "Staff && roles"
    # A manager unlocks a cashier locked out at the counter; the rest is the owner's and admin's.
    permission = Permission.UNLOCK_STAFF

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.people: tuple[StaffView, ...] = ()
        layout = QHBoxLayout(self)
        self.model: RecordTableModel[StaffView] = RecordTableModel(COLUMNS, key=lambda p: p.id)
        self.table = record_view(self.model, "staff")
        layout.addWidget(self.table, 3)
        # The forms scroll rather than squeeze their buttons in a short window (688 px high on
        # a 1366×768 screen with a taskbar); the list stays as it is.
        forms = QWidget()
        side = QVBoxLayout(forms)
        side.setContentsMargins(0, 0, 0, 0)
        area = scroll_area(forms)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(area, 2)

        self.add_box = add = QGroupBox("Add a person")
        form = QFormLayout(add)
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            if role is not Role.SYSTEM:
                self.role.addItem(ROLE_LABELS[role], role)
        self.pin = pin_field(DIGITS)
        self.pin_again = pin_field(DIGITS)
        self.supplier = QLineEdit()
        self.supplier.setPlaceholderText("Only for a supplier contact: the supplier's name")
        self.add_button = QPushButton("Add person")
        self.add_button.setObjectName("primary")
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        form.addRow("PIN", self.pin)
        form.addRow("PIN again", self.pin_again)
        form.addRow("Supplier", self.supplier)
        form.addRow("", self.add_button)
        side.addWidget(add)

        picked = QGroupBox("The person picked in the list")
        self.picked_form = form = QFormLayout(picked)
        self.new_pin = pin_field(DIGITS)
        self.new_pin_again = pin_field(DIGITS)
        self.reset_button = QPushButton("Reset PIN")
        self.unlock_button = QPushButton("Unlock account")
        self.unlock_button.setToolTip(UNLOCK_HINT)
        self.deactivate_button = QPushButton("Switch account off…")
        self.reactivate_button = QPushButton("Switch account back on")
        form.addRow("New PIN", self.new_pin)
        form.addRow("New PIN again", self.new_pin_again)
        form.addRow("", self.reset_button)
        form.addRow("", self.unlock_button)
        form.addRow("", self.deactivate_button)
        form.addRow("", self.reactivate_button)
        side.addWidget(picked)
        side.addStretch(1)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.pin_again.returnPressed.connect(self._on_add_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.deactivate_button.clicked.connect(self._on_deactivate_button_clicked)
        self.reactivate_button.clicked.connect(self._on_reactivate_button_clicked)
        self.table.selectionModel().selectionChanged.connect(
            lambda _new, _old: self._on_table_selection_changed())
        self._on_table_selection_changed()

    def refresh(self) -> None:
        self._fit_to_person()
        self.ctx.run(lambda: staff.list_staff(self.ctx.db), self._fill)

    def _fit_to_person(self) -> None:
        # Only those who run the staff accounts add people, reset PINs or switch accounts off.
        manages = self.ctx.may(Permission.MANAGE_STAFF)
        self.add_box.setVisible(manages)
        for field in (self.new_pin, self.new_pin_again, self.reset_button,
                      self.deactivate_button, self.reactivate_button):
            self.picked_form.setRowVisible(field, manages)

    def _fill(self, people: tuple[StaffView, ...]) -> None:
        keep = self.picked()
        self.people = people
        self.model.set_records(people)
        if keep is not None and (row := self.model.row_of(keep.id)) >= 0:
            self.table.selectRow(row)
        fit_columns(self.table)
        self._on_table_selection_changed()

    def picked(self) -> StaffView | None:
        """The person selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.people):
            return None
        return self.people[rows[0].row()]

    def select(self, name: str) -> None:
        """Pick a person by name (as clicking their row does)."""
        for n, person in enumerate(self.people):
            if person.name == name:
                self.table.selectRow(n)
                return

    def _on_table_selection_changed(self) -> None:
        person = self.picked()
        self.reset_button.setEnabled(person is not None)
        # A lock that has run out needs no manager: the next PIN is checked as usual.
        locked = person is not None and person.active and person.locked(self.ctx.db.clock.now())
        actor = self.ctx.actor
        allowed = (person is not None and actor is not None
                   and staff.may_unlock(actor, person.role))
        self.unlock_button.setEnabled(locked and allowed)
        self.unlock_button.setToolTip(
            UNLOCK_HINT if allowed or person is None else
            f"{person.name}'s account is unlocked by another owner or system admin, "
            "not from a manager's till.")
        self.deactivate_button.setEnabled(person is not None and person.active)
        self.reactivate_button.setEnabled(person is not None and not person.active)

    def _on_add_button_clicked(self) -> None:
        if self.pin.text() != self.pin_again.text():
            self.ctx.notice.emit("The two PINs differ. Type the same PIN twice.", "warning")
            return
        name, role, pin = self.name.text(), Role(self.role.currentData()), self.pin.text()
        supplier = self.supplier.text()
        actor = self.ctx.require_actor()
        self.ctx.run(lambda: staff.create_staff(self.ctx.db, actor, name, role, pin,
                                                supplier=supplier),
                     self._added)

    def _added(self, person: StaffView) -> None:
        for field in (self.name, self.pin, self.pin_again, self.supplier):
            field.clear()
        self._changed(f"{person.name} can now sign in as {ROLE_LABELS[person.role]}.")

    def _on_reset_button_clicked(self) -> None:
        person = self.picked()
        if person is None:
            return
        if self.new_pin.text() != self.new_pin_again.text():
            self.ctx.notice.emit("The two PINs differ. Type the same PIN twice.", "warning")
            return
        pin, actor, staff_id = self.new_pin.text(), self.ctx.require_actor(), person.id

        def done(_result: object) -> None:
            self.new_pin.clear()
            self.new_pin_again.clear()
            self._changed(f"{person.name}'s PIN was reset; any lock is lifted.")

        self.ctx.run(lambda: staff.set_pin(self.ctx.db, actor, staff_id, pin), done)

    def _on_unlock_button_clicked(self) -> None:
        person = self.picked()
        if person is None:
            return
        actor, staff_id = self.ctx.require_actor(), person.id
        self.ctx.run(lambda: staff.unlock_staff(self.ctx.db, actor, staff_id),
                     lambda v: self._changed(f"{v.name}'s account is unlocked: they can sign in "
                                             "with their PIN again."))

    def confirm(self, question: str) -> bool:
        """Ask before something the app cannot undo."""
        answer = QMessageBox.question(self, "Switch account off", question)
        return answer == QMessageBox.StandardButton.Yes

    def _on_deactivate_button_clicked(self) -> None:
        person = self.picked()
        if person is None or not self.confirm(
                f"Switch {person.name}'s account off? They can no longer sign in; their history "
                "stays, and the account can be switched back on later."):
            return
        actor, staff_id = self.ctx.require_actor(), person.id
        self.ctx.run(lambda: staff.deactivate_staff(self.ctx.db, actor, staff_id),
                     lambda v: self._changed(f"{v.name}'s account is switched off."))

    def _on_reactivate_button_clicked(self) -> None:
        person = self.picked()
        if person is None:
            return
        actor, staff_id = self.ctx.require_actor(), person.id
        self.ctx.run(lambda: staff.reactivate_staff(self.ctx.db, actor, staff_id),
                     lambda v: self._changed(f"{v.name} can sign in again."))

    def _changed(self, message: str) -> None:
        self.ctx.data_changed.emit("staff")
        self.ctx.notice.emit(message, "success")
        self.refresh()

