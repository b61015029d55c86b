"""The setup's owner step (the first account, its PIN typed twice) and its policies step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QGridLayout, QLineEdit, QSpinBox, QWidget

from ui.context import AppContext
from ui.screens.first_run_parts.page import SetupState, StepPage
from ui.widgets.labels import Label
from ui.widgets.pin_field import DIGITS, pin_field
from warranty_desk.policy_presets import PolicyDraft
from warranty_desk.services import first_run
from warranty_desk.services.first_run_progress import Progress

# Exclusions are typed on one line, split where a person would: at a semicolon.
EXCLUSION_SEPARATOR = "; "
# "120 months" and its arrows, no wider: what is not covered needs the room.
MONTHS_WIDTH = 140
# Months a policy may cover as typed here; longer covers are set under Settings.
MAX_MONTHS = 120


class OwnerPage(StepPage):
    """The owner's account: the one person who can sign in at first and add the staff."""

    step = "owner"
    title = "The owner"
    intro = ("The owner signs in first and adds the rest of the staff under Settings > Staff. "
             f"The PIN is {DIGITS}; type it twice.")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.name = QLineEdit()
        self.name.setObjectName("setupOwnerName")
        self.pin = pin_field(name="setupPin")
        self.again = pin_field("The same PIN again", name="setupPinAgain")
        self.made = Label("")
        self.made.setWordWrap(True)
        self.made.hide()
        self.form.addRow("Owner's name", self.name)
        self.form.addRow("PIN", self.pin)
        self.form.addRow("PIN again", self.again)
        self.box.addWidget(self.made)

    def fill(self, state: SetupState) -> None:
        owner = state.progress.owner
        self.name.setText(owner or state.progress.draft("owner").get("name", ""))
        for field in (self.name, self.pin, self.again):
            field.setEnabled(not owner)
        self.made.setVisible(bool(owner))
        self.made.setText(f"The owner's account is made: {owner}. Their PIN is changed under "
                          "Settings > Staff once signed in. Press Enter to go on.")

    def draft(self) -> dict[str, str]:
        return {"name": self.name.text()}

    def save_work(self) -> Callable[[], Progress]:
        db, name, pin, again = self.ctx.db, self.name.text(), self.pin.text(), self.again.text()
        self.pin.clear()
        self.again.clear()
        return lambda: first_run.save_owner(db, name, pin, again)

    def first_field(self) -> QWidget:
        return self.name if self.name.isEnabled() else self


class _PolicyRow:
    """One policy's fields in the grid."""

    def __init__(self, grid: QGridLayout, at: int, draft: PolicyDraft) -> None:
        self.chosen = QCheckBox()
        self.chosen.setChecked(draft.chosen)
        self.name = QLineEdit(draft.name)
        self.months = QSpinBox(minimum=0, maximum=MAX_MONTHS, suffix=" months")
        self.months.setValue(draft.months)
        self.months.setMaximumWidth(MONTHS_WIDTH)
        self.shop_months = draft.shop_months
        self.exclusions = QLineEdit(EXCLUSION_SEPARATOR.join(draft.exclusions))
        self.terms = QLineEdit(draft.terms)
        self.terms.setPlaceholderText("Terms printed on the certificate")
        self.exclusions.setPlaceholderText("Not covered (separate with ;)")
        for field in (self.name, self.exclusions, self.terms):
            field.setCursorPosition(0)  # the start of a long text in view, not its end
        grid.addWidget(self.chosen, at, 0)
        grid.addWidget(self.name, at, 1)
        grid.addWidget(self.months, at, 2)
        grid.addWidget(self.exclusions, at, 3)
        grid.addWidget(self.terms, at + 1, 1, 1, 3)
        self.chosen.setAccessibleName(f"Use the policy {draft.name}")

    def value(self) -> PolicyDraft:
        return PolicyDraft(self.name.text(), self.months.value(), self.shop_months,
                           self.terms.text(),
                           tuple(x.strip() for x in self.exclusions.text().split(";")
                                 if x.strip()), self.chosen.isChecked())


class PoliciesPage(StepPage):
    """The policy presets, each editable and ticked when wanted."""

    step = "policies"
    title = "Warranty policies"
    intro = ("Start from these policies: change a name, the months or what is not covered, "
             "and untick (Space) those the shop does not need. More can be added under "
             "Settings > Policies.")

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.grid = QGridLayout()
        for column, heading in enumerate(("Use", "Policy", "Cover", "Not covered")):
            self.grid.addWidget(Label(heading), 0, column)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 3)  # what is not covered is the longest text
        self.box.addLayout(self.grid)
        self.rows: list[_PolicyRow] = []

    def fill(self, state: SetupState) -> None:
        if self.rows:
            return  # built once: what is typed stays while the setup is open
        for i, draft in enumerate(first_run.policy_drafts(state.progress)):
            self.rows.append(_PolicyRow(self.grid, 1 + 2 * i, draft))

    def values(self) -> list[PolicyDraft]:
        return [row.value() for row in self.rows]

    def draft(self) -> dict[str, str]:
        return first_run.policy_draft(self.values())

    def save_work(self) -> Callable[[], Progress]:
        db, values = self.ctx.db, self.values()
        return lambda: first_run.save_policies(db, values)

    def first_field(self) -> QWidget:
        return self.rows[0].chosen if self.rows else self
