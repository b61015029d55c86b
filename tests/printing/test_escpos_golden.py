"""Receipts compared, as decoded text, with golden files a person has read.

Regenerate with UPDATE_GOLDEN=1 after a deliberate layout change, then read every changed
file in tests/printing/golden/ (and git diff it) before keeping it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from printing.escpos import render_close_report, render_slip, render_ticket
from tests.printing.escpos_decoder import decode, render_text
from tests.printing.escpos_samples import SLIP_VOID_COPY
from tests.printing.samples import (
    CLOSE_REPORT,
    EMPTY_CLOSE_REPORT,
    SLIP,
    SLIP_NO_PORTAL_NO_SERIAL,
    TICKET,
)

GOLDEN = Path(__file__).parent / "golden"

CASES: dict[str, tuple[Callable[..., bytes], Any, int]] = {
    "slip-58": (render_slip, SLIP, 58),
    "slip-80": (render_slip, SLIP, 80),
    "slip-void-copy-80": (render_slip, SLIP_VOID_COPY, 80),
    "slip-no-portal-no-serial-58": (render_slip, SLIP_NO_PORTAL_NO_SERIAL, 58),
    "ticket-58": (render_ticket, TICKET, 58),
    "ticket-80": (render_ticket, TICKET, 80),
    "close-report-58": (render_close_report, CLOSE_REPORT, 58),
    "close-report-80": (render_close_report, CLOSE_REPORT, 80),
    "close-report-empty-58": (render_close_report, EMPTY_CLOSE_REPORT, 58),
}


@pytest.mark.parametrize("name", CASES)
def test_matches_golden(name: str) -> None:
    render, view, width_mm = CASES[name]
    got = render_text(decode(render(view, width_mm=width_mm)))
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}; run with UPDATE_GOLDEN=1 and read it"
    assert got == path.read_text(encoding="utf-8")
