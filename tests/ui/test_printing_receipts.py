"""Receipt printing from the counter app: slips, copies, a dead printer, the queue and a retry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.printing.printer_servers import closed_port, printer
from tests.ui.print_helpers import counter_with_unit, set_printers, window
from ui.screens.counter import CounterScreen
from ui.screens.print_queue import PrintQueueScreen
from warranty_desk.services import print_jobs
from warranty_desk.storage.home import Home

CTRL = Qt.KeyboardModifier.ControlModifier


def test_ctrl_p_prints_the_slip_and_a_second_ctrl_p_is_recorded_as_a_copy(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    slip = tmp_path / "receipt-printer.bin"
    set_printers(demo_home, receipt=str(slip), receipt_width_mm=58)
    with window(demo_home, monkeypatch, [CounterScreen]) as win:
        counter, code = counter_with_unit(qtbot, win)
        assert counter.action_bar.buttons["slip"].text() == "Print slip  (Ctrl+P)"
        assert "slip" in counter.action_bar.shown()
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
        first = slip.read_bytes()
        assert first.startswith(b"\x1b@")  # ESC @: the printer is reset before each slip
        assert code.encode() in first and b"COPY" not in first
        # A file standing in for the printer: the backend says where the slip went.
        assert win.notice.text() == f"Saved the warranty slip for {code} to {slip}."
        assert win.notice.property("level") == "success"
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
        second = slip.read_bytes()
        assert code.encode() in second and b"COPY" in second
        assert win.notice.text() == f"Saved the warranty slip for {code} (copy) to {slip}."
        jobs = print_jobs.history(win.ctx.db, subject=code)
    assert [(j.document, j.copy, j.state, j.requested_by) for j in jobs] == [
        ("slip", True, "printed", "Sam Sales"), ("slip", False, "printed", "Sam Sales")]


def test_without_a_receipt_printer_the_slip_says_whom_to_ask(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    with window(demo_home, monkeypatch, [CounterScreen]) as win:
        counter, code = counter_with_unit(qtbot, win)
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
        # Sales staff cannot open Settings > Devices: they are told whom to ask.
        assert win.notice.text() == ("No receipt printer is set up: ask the owner or the "
                                     "system admin to set one up, or print the certificate "
                                     "(Ctrl+Shift+P).")
        assert print_jobs.history(win.ctx.db, subject=code) == ()


def test_a_printer_that_does_not_answer_leaves_the_slip_in_the_queue_until_a_retry(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    set_printers(demo_home, receipt=f"tcp://127.0.0.1:{port}")
    with window(demo_home, monkeypatch, [CounterScreen, PrintQueueScreen]) as win:
        counter, code = counter_with_unit(qtbot, win)
        assert win.print_queue.isHidden()
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
        assert win.notice.property("level") == "warning"
        assert win.notice.text().startswith(f"Not printed: The receipt printer at 127.0.0.1:"
                                            f"{port} refused the connection.")
        assert "waits in the print queue; press F7" in win.notice.text()
        assert win.print_queue.isVisible() and win.print_queue.text().startswith(
            "1 print waiting")

        qtbot.keyClick(win, Qt.Key.Key_F7)
        queue = win.current_screen()
        assert isinstance(queue, PrintQueueScreen)
        model = queue.queue_model
        assert model.rowCount() == 1
        cells = {name: model.data(model.index(0, c)) for c, name in enumerate(model.columns)}
        assert cells["Document"] == "Warranty slip" and cells["For"] == code
        assert cells["Original or copy"] == "Original" and cells["Tries"] == "1"
        assert cells["Printer"] == f"Receipt printer 127.0.0.1:{port}"
        assert cells["Asked by"] == "Sam Sales"
        # The selected job's problem, whole and in words, under the table.
        assert queue.problem.isVisible()
        assert queue.problem.text().startswith(f"Warranty slip for {code}, asked by Sam Sales")
        assert "tried 1 time. The receipt printer at 127.0.0.1:" in queue.problem.text()

        with printer("prints", port=port) as server:
            queue.queue.setFocus()
            qtbot.keyClick(queue.queue, Qt.Key.Key_Return)
            received = server.wait_for_jobs(1)
        assert len(received) == 1 and code.encode() in received[0]
        assert win.notice.text() == f"Printed the warranty slip for {code}."
        assert model.rowCount() == 0
        assert "Nothing is waiting" in queue.summary.text()
        assert win.print_queue.isHidden()
        history = queue.history_model
        assert history.rowCount() == 1
        assert history.data(history.index(0, history.columns.index("Outcome"))) == "Printed"


def test_a_queued_job_is_cancelled_with_a_reason(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_printers(demo_home, receipt=f"tcp://127.0.0.1:{closed_port()}")
    with window(demo_home, monkeypatch, [CounterScreen, PrintQueueScreen]) as win:
        counter, code = counter_with_unit(qtbot, win)
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
        qtbot.keyClick(win, Qt.Key.Key_F7)
        queue = win.current_screen()
        assert isinstance(queue, PrintQueueScreen)
        asked: list[str] = []

        def reason(_parent: Any, job: Any) -> str:
            asked.append(job.subject)
            return "printed by hand"

        queue.ask_reason = reason
        queue.queue.setFocus()
        qtbot.keyClick(queue.queue, Qt.Key.Key_Delete)
        assert asked == [code]
        assert queue.queue_model.rowCount() == 0
        assert win.notice.text() == f"Cancelled the warranty slip for {code}; it will not print."
        assert [j.state for j in print_jobs.history(win.ctx.db, subject=code)] == ["cancelled"]


def test_retry_all_sends_every_waiting_job_once_the_printer_is_back(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    set_printers(demo_home, receipt=f"tcp://127.0.0.1:{port}")
    with window(demo_home, monkeypatch, [CounterScreen, PrintQueueScreen]) as win:
        counter, code = counter_with_unit(qtbot, win)
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL)
        assert [j.subject for j in print_jobs.queued(win.ctx.db)] == [code, code]
        assert win.print_queue.text().startswith("2 prints waiting")
        qtbot.keyClick(win, Qt.Key.Key_F7)
        queue = win.current_screen()
        assert isinstance(queue, PrintQueueScreen)
        # Still off: one try for the printer, and both jobs keep waiting.
        qtbot.keyClick(queue.queue, Qt.Key.Key_Return, CTRL)
        assert win.notice.text().startswith("2 of 2 prints still wait: The receipt printer")
        assert [j.attempts for j in print_jobs.queued(win.ctx.db)] == [2, 1]
        with printer("prints", port=port) as server:
            qtbot.keyClick(queue.queue, Qt.Key.Key_Return, CTRL)
            received = server.wait_for_jobs(2)
        assert win.notice.text() == "Printed all 2 waiting prints."
        assert [b"COPY" in job for job in received] == [False, True]
        assert queue.queue_model.rowCount() == 0 and win.print_queue.isHidden()
