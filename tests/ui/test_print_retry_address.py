"""A receipt printer's address corrected in Settings > Devices: the prints already waiting go
to the corrected address on a retry, and the queue says so before anyone presses Enter."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.printing.printer_servers import closed_port, printer
from tests.ui.conftest import db_rows
from tests.ui.print_helpers import counter_with_unit, set_printers, window
from ui.main_window import MainWindow
from ui.screens.counter import CounterScreen
from ui.screens.print_queue import PrintQueueScreen
from ui.screens.settings import SettingsScreen
from warranty_desk.services import print_jobs
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier


def _slips_to_a_dead_address(qtbot: Any, win: MainWindow, slips: int) -> str:
    """The owner prints a unit's slip `slips` times; each waits in the queue."""
    counter, code = counter_with_unit(qtbot, win, "Olive Owner", "7777")
    for _ in range(slips):
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
    assert [j.subject for j in print_jobs.queued(win.ctx.db)] == [code] * slips
    return code


def _correct_the_address(qtbot: Any, win: MainWindow, target: str) -> None:
    """F9, Devices, the receipt printer's address typed over, Ctrl+S."""
    qtbot.keyClick(win, Qt.Key.Key_F9)
    settings = win.current_screen()
    assert isinstance(settings, SettingsScreen)
    settings.show_tab(settings.devices)
    field = settings.devices.printers.receipt
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, target)
    qtbot.keyClick(field, Qt.Key.Key_S, CTRL)
    assert win.notice.text() == "Device settings saved for this till."


def _queue(qtbot: Any, win: MainWindow) -> PrintQueueScreen:
    qtbot.keyClick(win, Qt.Key.Key_F7)
    queue = win.current_screen()
    assert isinstance(queue, PrintQueueScreen)
    return queue


def test_a_retry_goes_to_the_printer_address_as_corrected_in_settings(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    wrong = closed_port()
    set_printers(demo_home, receipt=f"tcp://127.0.0.1:{wrong}")
    with (window(demo_home, monkeypatch,
                 [CounterScreen, PrintQueueScreen, SettingsScreen]) as win,
          printer("prints") as right):
        code = _slips_to_a_dead_address(qtbot, win, 1)
        _correct_the_address(qtbot, win, right.target)
        queue = _queue(qtbot, win)
        model = queue.queue_model
        printer_cell = model.data(model.index(0, model.columns.index("Printer")))
        assert printer_cell == (f"Receipt printer 127.0.0.1:{right.port} "
                                f"(was Receipt printer 127.0.0.1:{wrong})")
        assert queue.problem.text().endswith(
            f"A retry sends it to Receipt printer 127.0.0.1:{right.port}, the printer set up "
            "now.")

        queue.queue.setFocus()
        qtbot.keyClick(queue.queue, Qt.Key.Key_Return)
        received = right.wait_for_jobs(1)
        assert len(received) == 1 and code.encode() in received[0]
        assert win.notice.text() == f"Printed the warranty slip for {code}."
        assert model.rowCount() == 0
        [job] = print_jobs.history(win.ctx.db, subject=code)
        assert (job.state, job.target, job.attempts) == (
            "printed", f"tcp://127.0.0.1:{right.port}", 2)
        history = queue.history_model
        assert history.data(history.index(0, history.columns.index("Printer"))) == (
            f"Receipt printer 127.0.0.1:{right.port}")
        # The move is in the audit log, from where to where.
        [(details,)] = db_rows(win, "SELECT details FROM audit_entries "
                                    "WHERE action = 'print.send_to'")
        assert f"127.0.0.1:{wrong}" in details and f"127.0.0.1:{right.port}" in details


def test_retry_all_sends_every_waiting_print_to_the_corrected_address(
        qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    set_printers(demo_home, receipt=f"tcp://127.0.0.1:{closed_port()}")
    with (window(demo_home, monkeypatch,
                 [CounterScreen, PrintQueueScreen, SettingsScreen]) as win,
          printer("prints") as right):
        _slips_to_a_dead_address(qtbot, win, 2)
        _correct_the_address(qtbot, win, right.target)
        queue = _queue(qtbot, win)
        qtbot.keyClick(queue.queue, Qt.Key.Key_Return, CTRL)
        received = right.wait_for_jobs(2)
        assert win.notice.text() == "Printed all 2 waiting prints."
        assert [b"COPY" in job for job in received] == [False, True]
        assert queue.queue_model.rowCount() == 0
