"""Every PDF prints names in Greek, Cyrillic, Polish, Turkish, Czech, Chinese, Japanese and
Korean as written: read back with poppler's pdftotext, not a single "?"."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from printing.pdf import (
    ReportDoc,
    render_certificate,
    render_close_report_pdf,
    render_label,
    render_report_pdf,
    render_ticket_pdf,
)
from tests.printing.pdf_tools import pdftotext, render, text_runs
from tests.printing.samples import CLOSE_REPORT, LABEL, SHOP, SLIP, TICKET

NAMES = ("Ελένη Παπαδοπούλου", "Жанна Иванова", "Łukasz Żółć", "Şükrü Güneş İğdır",
         "Jiří Dvořák", "李小龙", "山田花子", "김민수")
WORLD_SHOP = replace(SHOP, name="Ηλεκτρονικά Λιμάνι", branch_name="Кей-стрит",
                     address="ul. Świętokrzyska 12, Łódź")


DOCUMENTS: dict[str, Callable[[str], bytes]] = {
    "certificate": lambda name: render_certificate(
        replace(SLIP, shop=WORLD_SHOP, customer_name=name)),
    "ticket": lambda name: render_ticket_pdf(replace(TICKET, shop=WORLD_SHOP, customer_name=name)),
    "close-report": lambda name: render_close_report_pdf(replace(
        CLOSE_REPORT, shop=WORLD_SHOP,
        rows=tuple(replace(r, staff_name=name) for r in CLOSE_REPORT.rows))),
    "report": lambda name: render_report_pdf(ReportDoc(
        title="Customers", subtitle="Names as written", shop=WORLD_SHOP,
        printed_at=datetime(2026, 11, 22, 14, 5), columns=("Customer", "Claims"),
        rows=((name, "2"), ("Aoife Ní Bhriain", "1")))),
}


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("name", NAMES)
def test_every_pdf_prints_non_latin_names_as_written(document: str, name: str) -> None:
    pdf = DOCUMENTS[document](name)
    words = pdftotext(pdf)
    assert name in words, words
    assert "Ηλεκτρονικά Λιμάνι" in words and "Łódź" in words
    assert "?" not in words


# The label is drawn straight on the canvas in one face: Chinese, Japanese and Korean need
# the Paragraph runs the other documents use, so it is held to the scripts DejaVu draws.
LABEL_NAMES = NAMES[:5]


@pytest.mark.parametrize("name", LABEL_NAMES)
def test_the_label_prints_non_latin_supplier_names(name: str) -> None:
    assert name in pdftotext(render_label(replace(LABEL, supplier=name)))


def test_the_world_shop_certificate_looks_right() -> None:
    pdf = DOCUMENTS["certificate"]("Ελένη Παπαδοπούλου 李小龙")
    assert "Ελένη Παπαδοπούλου 李小龙" in pdftotext(pdf)
    render(pdf, "test-certificate-scripts")


def test_a_chinese_shop_name_prints_in_the_footer_too() -> None:
    shop = replace(SHOP, name="李氏电器", branch_name="上海")
    pdf = render_certificate(replace(SLIP, shop=shop))
    assert "Printed 22/11/2026, 14:05 · 李氏电器, 上海" in pdftotext(pdf)


def test_a_footer_too_long_for_its_line_ends_in_an_ellipsis_before_the_page_number() -> None:
    shop = replace(SHOP, name="李氏电器" * 12 + " Harbour Electronics", branch_name="Quay")
    pdf = render_certificate(replace(SLIP, shop=shop))
    runs = text_runs(pdf)
    page = next(r for r in runs if r.text.startswith("Page 1"))
    footer = [r for r in runs if abs(r.y - page.y) < 0.5 and r is not page]
    assert footer and footer[-1].text.endswith("…")
    assert max(r.right for r in footer) < page.x
    assert "Harbour Electronics" not in " ".join(r.text for r in footer)


def test_without_the_fonts_installed_pdfs_still_print_in_helvetica(tmp_path: Path) -> None:
    # A fresh process: the faces are registered once per process, at the first PDF.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import printing.pdf.fonts as f\n"
        f"f.resource_dir = lambda: Path({str(tmp_path)!r})\n"
        "f._SYSTEM_FOLDERS = ()\n"
        "f._WIDE_SYSTEM = Path('/nowhere')\n"
        "from dataclasses import replace\n"
        "from printing.pdf import render_certificate\n"
        "from tests.printing.samples import SLIP\n"
        "assert not f.fonts().unicode\n"
        "sys.stdout.buffer.write(render_certificate(replace(SLIP, customer_name='Łukasz 李')))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    words = pdftotext(done.stdout)
    assert "?ukasz ?" in words and "Warranty certificate" in words
    assert b"Helvetica" in done.stdout and b"DejaVu" not in done.stdout
