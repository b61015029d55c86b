"""PDF documents from the counter app: painted onto a QPrinter, previewed, saved, recorded."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from tests.ui.conftest import sign_in
from tests.ui.print_helpers import FakePreview, decode_pdf, print_to_pdf_file, window
from ui.printing.preview import PreviewChoice
from ui.printing.work import render_sheet
from ui.screens.counter import CounterScreen
from warranty_desk.permissions import Actor
from warranty_desk.services import print_jobs
from warranty_desk.services.reports import warranty_register
from warranty_desk.storage.home import Home

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _code(home_db: Any) -> str:
    rows = warranty_register(home_db, Actor.system("test"))
    return next(r.code for r in rows if r.status == "in_cover" and r.serial)


def test_the_painting_helper_prints_a_certificate_whose_barcode_reads_back(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with window(demo_home, monkeypatch, [CounterScreen]) as win:
        sign_in(qtbot, win, "Sam Sales", "1111")
        code = _code(win.ctx.db)
        sheet = render_sheet(win.ctx.db, win.ctx.require_actor(), "certificate", code.lower(),
                             "A4", "")
        assert sheet.subject == code and not sheet.copy
        out = tmp_path / "certificate.pdf"
        pages = print_to_pdf_file(sheet.pdf, out)
    reader = PdfReader(BytesIO(out.read_bytes()))
    assert pages == len(reader.pages) == len(PdfReader(BytesIO(sheet.pdf)).pages)
    width, height = (float(reader.pages[0].mediabox.width),
                     float(reader.pages[0].mediabox.height))
    assert (round(width), round(height)) == (595, 842)  # A4, as the certificate was drawn
    assert code in decode_pdf(out)


def test_ctrl_shift_p_previews_the_certificate_and_records_the_print(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    preview = FakePreview(tmp_path, PreviewChoice(printed_on="Office laser"))
    with window(demo_home, monkeypatch, [CounterScreen]) as win:
        sign_in(qtbot, win, "Sam Sales", "1111")
        counter = win.current_screen()
        assert isinstance(counter, CounterScreen)
        counter.print_desk.preview = preview
        code = _code(win.ctx.db)
        counter.handle_scan(code)
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL_SHIFT)
        qtbot.keyClick(counter.field, Qt.Key.Key_P, CTRL_SHIFT)
        assert win.notice.text() == (f"Printed the warranty certificate for {code} (copy) on "
                                     "Office laser.")
        jobs = print_jobs.history(win.ctx.db, subject=code)
    assert [(j.document, j.copy, j.target, j.state, j.requested_by) for j in jobs] == [
        ("certificate", True, "system:Office laser", "printed", "Sam Sales"),
        ("certificate", False, "system:Office laser", "printed", "Sam Sales")]
    assert [s.copy for s in preview.sheets] == [False, True]
    assert code in decode_pdf(preview.files[0])


def test_the_real_preview_paints_the_pages_and_offers_save_as_pdf(
    qtbot: Any, demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget
    from PySide6.QtWidgets import QApplication, QToolBar

    from ui.printing.preview import run_preview

    seen: dict[str, Any] = {}

    def answer() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QPrintPreviewDialog) and w.isVisible()]
        if not dialogs:
            QTimer.singleShot(50, answer)
            return
        dialog = dialogs[0]
        preview = dialog.findChild(QPrintPreviewWidget)
        assert preview is not None
        preview.updatePreview()
        seen["title"], seen["pages"] = dialog.windowTitle(), preview.pageCount()
        bar = dialog.findChild(QToolBar)
        assert bar is not None
        save = next(a for a in bar.actions() if a.text() == "Save as PDF…")
        save.trigger()

    with window(demo_home, monkeypatch, [CounterScreen]) as win:
        sign_in(qtbot, win, "Sam Sales", "1111")
        code = _code(win.ctx.db)
        sheet = render_sheet(win.ctx.db, win.ctx.require_actor(), "certificate", code, "A4", "")
        QTimer.singleShot(0, answer)
        choice = run_preview(win, sheet)
    assert choice == PreviewChoice(save=True)
    assert seen == {"title": f"Print the warranty certificate for {code}",
                    "pages": len(PdfReader(BytesIO(sheet.pdf)).pages)}
