"""More sample views for the ESC/POS layouts: void, German, long names, empty and busy days."""

from __future__ import annotations

from dataclasses import replace

from tests.printing.samples import CLOSE_REPORT, SHOP, SLIP, TICKET
from warranty_desk.printables import StaffDay

SLIP_VOID = replace(SLIP, status="void")
SLIP_VOID_COPY = replace(SLIP, status="void", copy=True)
SLIP_DE = replace(SLIP, shop=replace(SHOP, locale="de_DE"))

TICKET_COPY = replace(TICKET, copy=True)
TICKET_BARE = replace(
    TICKET, customer_name=None, customer_phone=None, accessories="", promised_on=None,
    serial=None, warranty_code=None, sku=None, brand=None, portal_url=None)

# Control bytes and characters no code page has must neither break the stream nor raise.
TICKET_ODD_TEXT = replace(
    TICKET, customer_name="Zoë \x1b@Ó Súilleabháin 王", fault="Screen ✓ cracked\x1dV\x00 — badly…")

# A shop with a long name and a sale big enough to stretch every column.
CLOSE_REPORT_BUSY = replace(
    CLOSE_REPORT,
    shop=replace(SHOP, name="Harbour Electronics & Appliances Megastore"),
    rows=(*CLOSE_REPORT.rows,
          StaffDay("Bartholomew Fitzgerald-O'Sullivan", 1234, 56, 123_456_789, 12, 7, 8)),
    totals=StaffDay("Total", 1245, 60, 123_476_389, 13, 10, 13))
