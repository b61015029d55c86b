"""The Mark back dialog through its real widgets: keys move, letters set outcomes, Enter saves."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from ui.widgets.mark_back_dialog import BackUnit, MarkBackDialog, outcome_summary

UNITS = (BackUnit("BR01-C-2026-000012", "Orbit X Phone", "ORBX1-N9P2NP"),
         BackUnit("BR01-C-2026-000014", "Orbit X Phone", "ORBX1-JHFGXZ"),
         BackUnit("BR01-C-2026-000015", "Orbit 30 W Charger", None),
         BackUnit("BR01-C-2026-000016", "Orbit Buds Lite", "ORBBL-77"))


@pytest.fixture
def dialog(qtbot: Any) -> MarkBackDialog:
    shown = MarkBackDialog("BR01-B-2026-000001", "Orbit UK Distribution", UNITS)
    qtbot.addWidget(shown)
    shown.show()
    return shown


def _outcome_cells(dialog: MarkBackDialog) -> list[str]:
    model = dialog.table.model()
    return [str(model.index(r, 3).data()) for r in range(model.rowCount())]


def _key(qtbot: Any, dialog: MarkBackDialog, key: Qt.Key,
         modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(dialog.table, key, modifier)


def test_every_unit_starts_returned_and_the_summary_names_each_outcome(
    dialog: MarkBackDialog,
) -> None:
    model = dialog.table.model()
    assert [model.index(r, 0).data() for r in range(4)] == [u.claim_number for u in UNITS]
    assert model.index(2, 2).data() == "not recorded"
    assert _outcome_cells(dialog) == ["Returned to stock  (R)"] * 4
    assert dialog.summary.text() == "4 returned to stock, 0 credited, 0 scrapped"
    assert dialog.table.hasFocus() and dialog.table.currentIndex().row() == 0


def test_down_and_a_letter_set_the_outcome_of_the_row_reached(
    qtbot: Any, dialog: MarkBackDialog,
) -> None:
    _key(qtbot, dialog, Qt.Key.Key_Down)
    _key(qtbot, dialog, Qt.Key.Key_C)
    _key(qtbot, dialog, Qt.Key.Key_Down)
    _key(qtbot, dialog, Qt.Key.Key_Down)
    _key(qtbot, dialog, Qt.Key.Key_S)
    _key(qtbot, dialog, Qt.Key.Key_Up)
    _key(qtbot, dialog, Qt.Key.Key_S)
    _key(qtbot, dialog, Qt.Key.Key_R)  # changed their mind: back to returned
    assert _outcome_cells(dialog) == ["Returned to stock  (R)", "Credited  (C)",
                                      "Returned to stock  (R)", "Scrapped  (S)"]
    assert dialog.summary.text() == "2 returned to stock, 1 credited, 1 scrapped"


def test_enter_saves_the_outcomes_and_escape_saves_nothing(
    qtbot: Any, dialog: MarkBackDialog,
) -> None:
    _key(qtbot, dialog, Qt.Key.Key_C)
    _key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.outcomes() == {UNITS[0].claim_number: "credited",
                                 **{u.claim_number: "returned" for u in UNITS[1:]}}
    again = MarkBackDialog("BR01-B-2026-000002", "Orbit UK Distribution", UNITS)
    qtbot.addWidget(again)
    again.show()
    qtbot.keyClick(again.table, Qt.Key.Key_Escape)
    assert again.result() == QDialog.DialogCode.Rejected


def test_ctrl_a_then_a_letter_sets_every_unit_and_ctrl_letters_are_not_outcomes(
    qtbot: Any, dialog: MarkBackDialog,
) -> None:
    _key(qtbot, dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, dialog, Qt.Key.Key_S)
    assert dialog.summary.text() == "0 returned to stock, 0 credited, 4 scrapped"
    _key(qtbot, dialog, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert dialog.summary.text() == "0 returned to stock, 0 credited, 4 scrapped"


def test_the_outcome_buttons_serve_the_mouse_and_never_take_enter(
    qtbot: Any, dialog: MarkBackDialog,
) -> None:
    dialog.table.selectRow(3)
    qtbot.mouseClick(dialog.outcome_buttons["credited"], Qt.MouseButton.LeftButton)
    assert _outcome_cells(dialog)[3] == "Credited  (C)"
    assert not any(b.autoDefault() for b in dialog.outcome_buttons.values())
    assert dialog.ok.isDefault()


def test_a_scanned_serial_or_claim_ticket_picks_its_unit(dialog: MarkBackDialog) -> None:
    assert dialog.pick_scanned(" orbx1-jhfgxz ")
    assert dialog.table.currentIndex().row() == 1
    assert dialog.pick_scanned("BR01-C-2026-000016")
    assert dialog.table.currentIndex().row() == 3
    assert not dialog.pick_scanned("NOT-IN-THIS-BATCH")
    assert dialog.table.currentIndex().row() == 3


def test_the_summary_counts_every_outcome_even_at_nought() -> None:
    assert outcome_summary([]) == "0 returned to stock, 0 credited, 0 scrapped"
    assert outcome_summary(["returned", "returned", "returned", "credited"]) == (
        "3 returned to stock, 1 credited, 0 scrapped")
