"""Sample views for layout tests: realistic values, including long names and accents."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from warranty_desk.printables import (
    CloseReportView,
    HandBackView,
    LabelView,
    LetterView,
    RegistrationGap,
    ShopHeader,
    SlipView,
    StaffDay,
    TicketView,
)
from warranty_desk.views import LayerView

SHOP = ShopHeader(
    name="Harbour Electronics", branch_name="Quay Street", branch_code="BR01",
    address="12 Quay Street, Galway H91 X2Y3", phone="+353 91 555 0101",
    email="help@harbour.example", locale="en_GB", currency="EUR")

SLIP = SlipView(
    shop=SHOP, copy=False, printed_at=datetime(2026, 11, 22, 14, 5),
    warranty_code="BR01-W-2026-000042", status="active", invoice_number="INV-10042",
    sold_on=date(2026, 11, 22), product_name="Lumen 14 Laptop", sku="LAP-100",
    brand="Lumen", category="laptops", serial="SN-LUM-000042", customer_name="Aoife Ní Bhriain",
    start_on=date(2026, 11, 22), end_on=date(2029, 11, 21),
    layers=(LayerView("manufacturer", date(2026, 11, 22), date(2027, 11, 21)),
            LayerView("shop", date(2027, 11, 22), date(2028, 11, 21)),
            LayerView("extension", date(2028, 11, 22), date(2029, 11, 21), plan="Care+ 12")),
    key_terms=("Faults in materials and workmanship are repaired or replaced free of charge.",
               "Keep this slip: it is your proof of purchase."),
    terms=("Covers faults in materials and workmanship that appear in normal use. "
           "We repair the unit; where a repair is not possible we replace it, or refund the "
           "price paid. The remaining cover moves to a replacement unit.\n\n"
           "Cover does not transfer to a new owner without the shop's agreement."),
    exclusions=("Accidental damage", "Liquid damage", "Batteries after 12 months"),
    how_to_claim=("Bring the unit and this slip to Harbour Electronics, Quay Street, or start "
                  "a claim online. Call +353 91 555 0101 with questions."),
    portal_url="https://portal.harbour.example/w/BR01-W-2026-000042")

SLIP_COPY = replace(SLIP, copy=True)
SLIP_NO_PORTAL_NO_SERIAL = replace(SLIP, serial=None, portal_url=None, customer_name=None)

TICKET = TicketView(
    shop=SHOP, copy=False, printed_at=datetime(2026, 11, 22, 15, 30),
    claim_number="BR01-C-2026-000007", opened_at=datetime(2026, 11, 22, 15, 28),
    channel="counter", product_name="Orbit X Phone", sku="PHN-200", brand="Orbit",
    serial="ORB-77-1234", warranty_code="BR01-W-2026-000031", customer_name="Seán Murphy",
    customer_phone="+353 87 555 0199", accessories="Charger, case",
    condition="Small scratch on the back; screen intact",
    fault="Does not charge with the original cable; battery drains overnight.",
    promised_on=date(2026, 12, 6), received_by="Sam Sales",
    how_to_follow=("Follow your claim online or call +353 91 555 0101 quoting the claim "
                   "number."),
    portal_url="https://portal.harbour.example/c/BR01-C-2026-000007")

LABEL = LabelView(
    claim_number="BR01-C-2026-000007", product_name="Orbit X Phone", sku="PHN-200",
    serial="ORB-77-1234", supplier="Orbit Distribution Ltd", brand="Orbit",
    received_on=date(2026, 11, 22), fault="Does not charge", branch_code="BR01")

_ROWS = (
    StaffDay("Sam Sales", activations=9, extensions_sold=3, extension_revenue_minor=14_700,
             registration_gaps=1, claims_opened=2, claims_closed=0),
    StaffDay("Kim Store", activations=0, extensions_sold=0, extension_revenue_minor=0,
             registration_gaps=0, claims_opened=0, claims_closed=3),
    StaffDay("Maria Manager", activations=2, extensions_sold=1, extension_revenue_minor=4_900,
             registration_gaps=0, claims_opened=1, claims_closed=2),
)

CLOSE_REPORT = CloseReportView(
    shop=SHOP, day=date(2026, 11, 22), printed_at=datetime(2026, 11, 22, 18, 2),
    rows=_ROWS,
    totals=StaffDay("Total", activations=11, extensions_sold=4, extension_revenue_minor=19_600,
                    registration_gaps=1, claims_opened=3, claims_closed=5),
    gaps=(RegistrationGap("INV-10051", "Lumen 14 Laptop", "LAP-100", "BR01-W-2026-000051",
                          "Sam Sales"),))

EMPTY_CLOSE_REPORT = replace(
    CLOSE_REPORT, rows=(), gaps=(),
    totals=StaffDay("Total", 0, 0, 0, 0, 0, 0))

LETTER = LetterView(
    shop=SHOP, copy=False, copy_note="", printed_at=datetime(2026, 11, 22, 16, 10),
    written_on=date(2026, 11, 20), message_id="0190f1a2b3c4d5e6f708192a3b4c5d6e",
    customer_name="Seán Murphy", claim_number="BR01-C-2026-000007",
    subject="Claim BR01-C-2026-000007: your Orbit X Phone is repaired",
    body=("Hello Seán Murphy,\n\nWe replaced the charging port of your Orbit X Phone; it "
          "charges with the original cable again and the battery held overnight in our "
          "test. It is ready to collect from the counter.\n\nHarbour Electronics\n"
          "+353 91 555 0101"))


def signature_png(width: int = 600, height: int = 200) -> bytes:
    """A drawn signature as the signature pad saves it: black strokes on white, as PNG."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    picture = Image.new("L", (width, height), 255)
    pen = ImageDraw.Draw(picture)
    pen.line([(40, 150), (120, 40), (180, 160), (260, 60), (330, 150), (560, 90)], fill=0,
             width=6)
    out = BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


HAND_BACK = HandBackView(
    shop=SHOP, copy=False, printed_at=datetime(2026, 12, 6, 11, 40),
    receipt_number="BR01-HB-2026-000003", claim_number="BR01-C-2026-000007",
    outcome="Repaired", unit="unit", product_name="Orbit X Phone", brand="Orbit",
    serial="ORB-77-1234", customer_name="Seán Murphy", handed_at=datetime(2026, 12, 6, 11, 38),
    handed_by="Sam Sales", collected_by="Seán Murphy", on_behalf_proof="",
    accessories=("Charger",), accessories_missing=("case",),
    condition="Repaired; small scratch on the back as received",
    signature_png=signature_png())
HAND_BACK_ON_PAPER = replace(HAND_BACK, signature_png=None, collected_by="Niamh Murphy",
                             on_behalf_proof="Driving licence shown and the claim ticket")
