"""Helpers for the printing UI tests: printer settings, a window, and a stand-in preview."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import open_window, sign_in
from ui.main_window import MainWindow
from ui.printing.paint import match_paper, paint_pdf
from ui.printing.preview import PreviewChoice
from ui.printing.work import Sheet
from ui.screens.base import Screen
from ui.screens.counter import CounterScreen
from warranty_desk import config
from warranty_desk.permissions import Actor
from warranty_desk.services.reports import warranty_register
from warranty_desk.storage.home import Home


def set_printers(home: Home, **changes: Any) -> None:
    """Save this till's printer settings as a person would in Settings > Devices."""
    settings = config.load(home).settings
    config.save(home, replace(settings, printers=replace(settings.printers, **changes)))


@contextlib.contextmanager
def window(home: Home, monkeypatch: pytest.MonkeyPatch,
           screens: Sequence[type[Screen]]) -> Iterator[MainWindow]:
    """The main window on these screens, active (as the fixtures leave it), closed at the end."""
    opened = open_window(home, monkeypatch, screens)
    win = next(opened)
    # Shortcuts only reach the active window; a fixture gets there by pytest-qt's event turn.
    win.activateWindow()
    QApplication.processEvents()
    try:
        yield win
    finally:
        opened.close()


def counter_with_unit(qtbot: Any, win: MainWindow, name: str = "Sam Sales",
                      pin: str = "1111") -> tuple[CounterScreen, str]:
    """Signed in, an in-cover unit of the demo shop on the counter's card: (counter, its code)."""
    sign_in(qtbot, win, name, pin)
    counter = win.current_screen()
    assert isinstance(counter, CounterScreen)
    rows = warranty_register(win.ctx.db, Actor.system("test"))
    serial, code = next((r.serial, r.code) for r in rows if r.status == "in_cover" and r.serial)
    counter.handle_scan(serial)
    assert counter.card.verdict is not None and counter.card.verdict.warranty_code == code
    return counter, code


def one(win: MainWindow, sql: str, *args: object) -> Any:
    """The first column of the first row of a query on the shop's database."""
    conn = sqlite3.connect(win.ctx.db.path)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


class FakePreview:
    """Stands in for the modal print preview: paints each sheet to a PDF file, then answers."""

    def __init__(self, folder: Path, choice: PreviewChoice) -> None:
        self.folder = folder
        self.choice = choice
        self.sheets: list[Sheet] = []
        self.files: list[Path] = []

    def __call__(self, _parent: QWidget | None, sheet: Sheet) -> PreviewChoice:
        self.sheets.append(sheet)
        out = self.folder / f"printed-{len(self.sheets)}.pdf"
        print_to_pdf_file(sheet.pdf, out)
        self.files.append(out)
        return self.choice


def print_to_pdf_file(pdf: bytes, out: Path) -> int:
    """What the system printer would get, written by Qt's own PDF printer."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    match_paper(printer, pdf)
    return paint_pdf(pdf, printer)


def decode_pdf(pdf: Path) -> list[str]:
    """Every barcode and QR code zbarimg reads on the PDF's pages rendered at 150 dpi."""
    stem = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(stem)], check=True,
                   timeout=60)
    found: list[str] = []
    for png in sorted(pdf.parent.glob(f"{stem.name}-*.png")):
        done = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode in (0, 4), done.stderr  # 4: no symbol found
        found += [line for line in done.stdout.splitlines() if line]
    return found
