"""The handover receipt on the roll and as a PDF, read back: who, to whom, condition,
accessories, and the signature drawn on screen or a line to sign on paper."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pytest
from PIL import Image

from printing.documents import PrintRequest, render_document
from printing.escpos import WIDTHS_MM, render_hand_back
from printing.pdf import render_hand_back_pdf
from tests.printing.escpos_decoder import Raster, decode, paper_problems
from tests.printing.escpos_image import save
from tests.printing.pdf_tools import decode as read_codes
from tests.printing.pdf_tools import pdftotext, render, text
from tests.printing.samples import HAND_BACK, HAND_BACK_ON_PAPER
from warranty_desk.errors import NotFound
from warranty_desk.services.print_jobs import ESCPOS, PDF
from warranty_desk.storage.database import Database

widths = pytest.mark.parametrize("width_mm", WIDTHS_MM)


def _dark(picture: Image.Image) -> int:
    """How many pixels print nearly black."""
    histogram = picture.convert("L").histogram()
    return sum(histogram[:80])


@widths
def test_the_roll_says_who_handed_what_to_whom_and_in_what_state(width_mm: int) -> None:
    decoded = decode(render_hand_back(HAND_BACK, width_mm=width_mm))
    text = decoded.flat
    for fact in ("HANDOVER RECEIPT", "BR01-HB-2026-000003", "Claim BR01-C-2026-000007",
                 "Handed back 06/12/2026, 11:38", "Handed by Sam Sales",
                 "Collected by Seán Murphy", "Orbit X Phone", "Serial ORB-77-1234",
                 "Outcome Repaired", "Accessories Charger", "Not returned case",
                 "Condition Repaired; small scratch on the back as received",
                 "Customer's confirmation", "I received the unit above",
                 "Signed on screen by Seán Murphy", "Printed 06/12/2026, 11:40"):
        assert fact in text, fact
    assert [b.data for b in decoded.barcodes] == ["BR01-HB-2026-000003"]
    [signature] = [i for i in decoded.items if isinstance(i, Raster)]
    assert signature.dark > 200 and signature.height <= 160
    assert "Signature of" not in text
    assert paper_problems(decoded, width_mm) == []


@widths
def test_signed_on_paper_the_roll_carries_a_line_to_sign_and_who_collected_for_whom(
        width_mm: int) -> None:
    decoded = decode(render_hand_back(HAND_BACK_ON_PAPER, width_mm=width_mm))
    text = decoded.flat
    for fact in ("Collected by Niamh Murphy", "For Seán Murphy",
                 "Proof Driving licence shown and the claim ticket",
                 "in the condition described, for Seán Murphy.", "Signature of Niamh Murphy"):
        assert fact in text, fact
    assert not [i for i in decoded.items if isinstance(i, Raster)]
    assert any(set(line.text) == {"_"} for line in decoded.lines)
    assert paper_problems(decoded, width_mm) == []


def test_the_roll_with_its_signature_can_be_looked_at(tmp_path: object) -> None:
    from pathlib import Path

    decoded = decode(render_hand_back(HAND_BACK, width_mm=80))
    path = save(decoded, 576, Path(str(tmp_path)) / "handover-roll.png")
    with Image.open(path) as picture:
        assert picture.width == 576 and picture.height > 600


def test_the_pdf_says_the_same_and_shows_the_signature() -> None:
    pdf = render_hand_back_pdf(HAND_BACK)
    words = text(pdf)
    for fact in ("Handover receipt", "BR01-HB-2026-000003", "Claim BR01-C-2026-000007",
                 "Handed over by Sam Sales", "Collected by Seán Murphy",
                 "Unit Orbit X Phone", "Serial number ORB-77-1234", "Accessories Charger",
                 "Not handed back case", "Condition Repaired; small scratch",
                 "Signed on screen by Seán Murphy, 06/12/2026, 11:38"):
        assert fact in words, fact
    [page] = render(pdf, "test-handover-signed")
    assert read_codes(page) == ["BR01-HB-2026-000003"]
    with Image.open(page) as picture:
        # The signature's strokes are ink on the page: far more dark pixels than text alone.
        signed = _dark(picture)
    blank = BytesIO()
    Image.new("L", (600, 200), 255).save(blank, format="PNG")
    [bare] = render(render_hand_back_pdf(replace(HAND_BACK, signature_png=blank.getvalue())),
                    "test-handover-blank")
    with Image.open(bare) as picture:
        unsigned = _dark(picture)
    assert signed > unsigned + 500


def test_the_pdf_signed_on_paper_has_a_line_to_sign() -> None:
    words = pdftotext(render_hand_back_pdf(HAND_BACK_ON_PAPER))
    assert "Signature of Niamh Murphy" in words and "Signed on screen" not in words
    assert "Proof Driving licence shown and the claim ticket" in words


def test_a_damaged_signature_prints_a_line_to_sign_rather_than_nothing() -> None:
    damaged = replace(HAND_BACK, signature_png=b"\x89PNG\r\n\x1a\n broken")
    assert "Signature of Seán Murphy" in decode(render_hand_back(damaged)).flat
    assert "Signature of Seán Murphy" in pdftotext(render_hand_back_pdf(damaged))


def test_a_hand_back_recorded_at_the_till_prints_its_receipt_from_the_records(
        shop: Database) -> None:
    from tests.conftest import actor
    from tests.unit.services.helpers import sell
    from warranty_desk.permissions import Role
    from warranty_desk.rules.claim_states import ClaimState, Outcome
    from warranty_desk.services import claims, decisions
    from warranty_desk.services import hand_back as hb

    sales, manager = actor(Role.SALES, "Sam Sales"), actor(Role.MANAGER)
    code = sell(shop, "INV-1", serials=("SN-LAP-0001",)).warranty_codes[0]
    number = claims.start_claim(shop, sales, claims.StartClaim(
        code, "No picture", accessories="Charger, bag")).number
    claims.advance(shop, manager, number, ClaimState.REVIEWING)
    decisions.decide(shop, manager, number, decisions.Decision(Outcome.REJECT, "Liquid damage"))
    with pytest.raises(NotFound, match="has not been handed back yet"):
        render_document(shop, sales, PrintRequest("handover", number, "out.bin"), copy=False)
    hb.hand_back(shop, sales, hb.HandBackRequest(
        number, "SN-LAP-0001", accessories=("Charger", "bag"), condition="As received",
        signed_on_paper=True))
    roll, media = render_document(shop, sales, PrintRequest("handover", number.lower(),
                                                            "out.bin"), copy=False)
    printed = decode(roll).flat
    assert media == ESCPOS
    for fact in ("BR01-HB-2026-000001", f"Claim {number}", "Handed by Sam Sales",
                 "Collected by Ada Lovelace", "Returned unrepaired (claim rejected)",
                 "Accessories Charger, bag", "Condition As received", "Signature of Ada Lovelace"):
        assert fact in printed, fact
    pdf, media = render_document(shop, sales, PrintRequest("handover", number, "out.pdf"),
                                 copy=True)
    assert media == PDF and "Same handover; not a second one." in text(pdf)
