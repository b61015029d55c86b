"""Settings > Devices > Printers through real widgets: saved to config.toml, checked, tested."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import sign_in
from tests.ui.print_helpers import set_printers, window
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.settings import SettingsScreen
from ui.screens.settings_tabs.devices import DevicesTab
from warranty_desk import config
from warranty_desk.config import PrinterSettings
from warranty_desk.storage.home import Home


def _devices(qtbot: Any, win: MainWindow) -> DevicesTab:
    sign_in(qtbot, win, "Adam Admin", "8888")
    qtbot.keyClick(win, Qt.Key.Key_F9)
    screen = win.current_screen()
    assert isinstance(screen, SettingsScreen)
    screen.show_tab(screen.devices)
    return screen.devices


def _type(qtbot: Any, field: Any, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def test_the_printers_group_saves_to_config_toml(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    with window(demo_home, monkeypatch, [CounterScreen, SettingsScreen]) as win:
        tab = _devices(qtbot, win)
        group = tab.printers
        assert group.document_printer.currentText() == "System default printer"
        assert group.label_printer.currentText() == "Same printer as certificates"
        _type(qtbot, group.receipt, "tcp://192.168.1.50")
        group.width_mm.setCurrentIndex(group.width_mm.findData(58))
        group.paper.setCurrentIndex(group.paper.findData("Letter"))
        group.label_size.setCurrentIndex(group.label_size.findData("4x6in"))
        qtbot.keyClick(group.receipt, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert win.notice.text() == "Device settings saved for this till."
        # Saved as the app will read it back: the network printer's usual port filled in.
        assert group.receipt.text() == "tcp://192.168.1.50:9100"
    saved = config.load(demo_home)
    assert saved.warning is None
    assert saved.settings.printers == PrinterSettings(
        receipt="tcp://192.168.1.50:9100", receipt_width_mm=58, paper="Letter",
        document_printer="", label_size="4x6in", label_printer="")
    assert "[printing]" in (demo_home.root / "config.toml").read_text("utf-8")


def test_a_bad_receipt_printer_is_refused_in_plain_words_beside_the_field(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_printers(demo_home, receipt="serial://COM3?baud=9600")
    with window(demo_home, monkeypatch, [CounterScreen, SettingsScreen]) as win:
        tab = _devices(qtbot, win)
        group = tab.printers
        assert group.receipt.text() == "serial://COM3?baud=9600"
        _type(qtbot, group.receipt, "tcp://printer:99999")
        tab.save_button.click()
        assert group.receipt_problem.isVisible()
        # The accepted forms are printed under the field already: the problem says what is wrong.
        assert group.receipt_problem.text() == (
            "'tcp://printer:99999' is not a printer: the port must be a number from 1 to 65535.")
        assert win.notice.text().startswith("Not saved: 'tcp://printer:99999' is not a printer")
        assert win.notice.property("level") == "error"
        _type(qtbot, group.receipt, "")
        group.receipt.editingFinished.emit()
        assert group.receipt_problem.isHidden()
    assert config.load(demo_home).settings.printers.receipt == "serial://COM3?baud=9600"


def test_test_print_sends_a_test_page_or_says_why_not(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.printing.printer_servers import closed_port

    page = tmp_path / "test-page.bin"
    with window(demo_home, monkeypatch, [CounterScreen, SettingsScreen]) as win:
        group = _devices(qtbot, win).printers
        group.test_button.click()
        assert group.test_result.text() == "Type the receipt printer's address first."
        _type(qtbot, group.receipt, str(page))
        group.test_button.click()
        assert b"TEST PRINT" in page.read_bytes() and b"TEST-PRINT-1" in page.read_bytes()
        assert group.test_result.text().startswith(f"The test page went to {page}.")
        port = closed_port()
        _type(qtbot, group.receipt, f"tcp://127.0.0.1:{port}")
        group.test_button.click()
        assert group.test_result.text() == (
            f"The receipt printer at 127.0.0.1:{port} refused the connection. Check it is "
            f"switched on and that {port} is its port.")
        assert group.test_button.isEnabled()
