"""The print preview of a PDF document, with the system printer chosen and Save as PDF…."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QToolBar, QWidget

from ui.printing.paint import match_paper, paint_pdf, system_printer
from ui.printing.work import Sheet

# QDialog.done() code for "Save as PDF…": neither printed (Accepted) nor closed (Rejected).
SAVE_REQUESTED = 2


@dataclass(frozen=True, slots=True)
class PreviewChoice:
    """What the person did in the preview: printed (on which printer), asked to save, or closed."""

    printed_on: str | None = None  # the printer's name; "" for the system default
    save: bool = False
    note: str = ""  # said with the result, e.g. the chosen printer was missing


def printed_on(printer: QPrinter) -> str:
    """The printer a job went to, as the print record keeps it."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        return printer.outputFileName()
    return printer.printerName()


def run_preview(parent: QWidget | None, sheet: Sheet) -> PreviewChoice:
    """Show the document as it will print; modal, so tests inject a stand-in for it."""
    printer, note = system_printer(sheet.printer)
    match_paper(printer, sheet.pdf)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print the {sheet.what}")
    dialog.paintRequested.connect(lambda target: paint_pdf(sheet.pdf, target))
    save = QAction("Save as PDF…", dialog)
    save.setShortcut(QKeySequence("Ctrl+S"))
    save.setToolTip("Save the document as a PDF file (Ctrl+S), for a shop without a printer")
    save.triggered.connect(lambda: dialog.done(SAVE_REQUESTED))
    bar = dialog.findChild(QToolBar)
    if bar is not None:
        bar.addSeparator()
        bar.addAction(save)
    else:  # Qt changed its dialog: the key still works
        dialog.addAction(save)
    dialog.resize(900, 760)
    result = dialog.exec()
    if result == QDialog.DialogCode.Accepted:
        return PreviewChoice(printed_on=printed_on(printer), note=note)
    return PreviewChoice(save=result == SAVE_REQUESTED, note=note)


def ask_save_path(parent: QWidget | None, suggested: str) -> str:
    """Where to save a PDF; "" when the person cancels."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Save as PDF", str(Path.home() / suggested), "PDF documents (*.pdf)")
    if path and not path.lower().endswith(".pdf"):
        path += ".pdf"
    return path
