"""ESC/POS layouts for 58 and 80 mm receipt printers: each is a pure function view -> bytes."""

from __future__ import annotations

from printing.escpos.close_report import render_close_report
from printing.escpos.hand_back import render_hand_back
from printing.escpos.letter import render_letter
from printing.escpos.paper import WIDTHS_MM
from printing.escpos.slip import render_slip
from printing.escpos.ticket import render_ticket

__all__ = ["WIDTHS_MM", "render_close_report", "render_hand_back", "render_letter",
           "render_slip", "render_ticket"]
