"""The customer's copy of a claim's drop-off ticket: offered while the branch holds it open."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from portal.projections.models import Claim, Product
from tests.portal.customers import Shops, signed_in_customer, smtp

pytestmark = pytest.mark.usefixtures("fresh_limits")


def _text(pdf: bytes, tmp_path: Path) -> str:
    (tmp_path / "t.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(tmp_path / "t.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_the_drop_off_ticket_downloads_with_the_claims_own_words_as_plain_text(
        records: Shops, tmp_path: Path) -> None:
    claim = Claim.objects.get(branch_id=records.north.pk, number="CL-9")
    assert claim.warranty is not None and claim.warranty.product is not None
    product: Product = claim.warranty.product
    Product.objects.filter(pk=product.pk).update(name="Kühlschrank <b>Élan</b> & Co")
    Claim.objects.filter(pk=claim.pk).update(serial="SN-ÆØ-<2>")
    try:
        with smtp() as box:
            bob = signed_in_customer(box, records.bob_email)
        url = reverse("customers:dropoff_ticket", args=[records.north.code, "CL-9"])
        page = bob.get(reverse("customers:claim", args=[records.north.code, "CL-9"]))
        assert url in page.content.decode()
        answer = bob.get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        assert answer["Content-Disposition"] == (
            'attachment; filename="claim-CL-9-drop-off-ticket.pdf"')
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer.content.startswith(b"%PDF-")
        text = " ".join(_text(answer.content, tmp_path).split())
        assert "CL-9" in text and "SN-ÆØ-<2>" in text
        assert "Kühlschrank <b>Élan</b> & Co" in text
        assert "<i>Door</i> rattles" in text and "Your copy, from the customer portal" in text
        assert "Opened via Not recorded" in text  # the projection names no channel here
        # Head office does not know what was handed in: no made-up "Unit only".
        assert "Unit only" not in text and "as on the ticket the shop gave you" in text
    finally:
        Product.objects.filter(pk=product.pk).update(name=product.name)
        Claim.objects.filter(pk=claim.pk).update(serial=claim.serial)


@pytest.mark.parametrize("state", ["resolved", "rejected"])
def test_a_closed_claim_offers_no_drop_off_ticket(records: Shops, state: str) -> None:
    Claim.objects.filter(branch_id=records.north.pk, number="CL-9").update(state=state)
    try:
        with smtp() as box:
            bob = signed_in_customer(box, records.bob_email)
        url = reverse("customers:dropoff_ticket", args=[records.north.code, "CL-9"])
        page = bob.get(reverse("customers:claim", args=[records.north.code, "CL-9"]))
        assert page.status_code == 200 and url not in page.content.decode()
        assert bob.get(url).status_code == 404
    finally:
        Claim.objects.filter(branch_id=records.north.pk, number="CL-9").update(state="repairing")
