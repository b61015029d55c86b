"""Proof checks, technician findings and evidence types through the real claim services."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import actor
from tests.unit.services.helpers import rows as _rows
from tests.unit.services.helpers import sell
from warranty_desk.errors import BadInput, PermissionDenied, RuleBlocked
from warranty_desk.permissions import MATRIX, Permission, Role
from warranty_desk.rules.claim_states import ClaimState
from warranty_desk.services import claims
from warranty_desk.services.claim_detail import claim_detail
from warranty_desk.services.customers import CustomerInput
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

SALES, TECH, SUPPORT, MANAGER = (actor(Role.SALES), actor(Role.TECHNICIAN, "Tariq Tech"),
                                 actor(Role.SUPPORT), actor(Role.MANAGER))
# Seventeen bytes of typed text, named like a PDF: what a customer's "receipt" sometimes is.
FAKE_PDF = b"paid in full, ok\n"


def _unknown_sale(db: Database, sku: str | None = None) -> str:
    return claims.start_unknown_sale_claim(db, SALES, claims.StartUnknownSaleClaim(
        customer=CustomerInput("Grace Hopper", phone="555-0100-22"),
        product_description="Lumen 14 Laptop", serial="sn-x-1", purchased_on=date(2026, 5, 1),
        purchased_where="Online marketplace", fault="No power", proof_sha256="ab" * 32,
        proof_media_type="application/pdf", proof_size=2048, sku=sku)).number



def test_a_verified_proof_lets_the_claim_move_on_without_an_override(shop: Database) -> None:
    number = _unknown_sale(shop)
    claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    with pytest.raises(RuleBlocked, match="not been verified"):
        claims.advance(shop, TECH, number, ClaimState.INSPECTING)
    claims.verify_proof(shop, SUPPORT, number, accepted=True, note="Marketplace invoice matches")
    assert claims.advance(shop, TECH, number, ClaimState.INSPECTING).state == "inspecting"


def test_a_proof_checked_and_refused_does_not_wave_the_claim_through(shop: Database) -> None:
    number = _unknown_sale(shop)
    claims.advance(shop, TECH, number, ClaimState.REVIEWING)
    claims.verify_proof(shop, SUPPORT, number, accepted=False,
                        note="Invoice names another serial")
    with pytest.raises(RuleBlocked, match="not accepted") as blocked:
        claims.advance(shop, TECH, number, ClaimState.INSPECTING)
    assert blocked.value.overridable
    assert _rows(shop, "SELECT state, proof_status FROM claims WHERE number = ?", number) == [
        ("reviewing", "rejected")]


def test_findings_are_the_technicians_to_record_and_reach_head_office(shop: Database) -> None:
    number = claims.start_claim(shop, SALES, claims.StartClaim(
        sell(shop).warranty_codes[0], "No power")).number
    for role in Role:
        if role not in MATRIX[Permission.RECORD_WORK]:
            with pytest.raises(PermissionDenied, match="record findings"):
                claims.add_note(shop, actor(role), number, "Board looks fine")
    findings = "Charging IC burnt; <b>not</b> liquid damage. 充电芯片烧坏"
    claims.add_note(shop, TECH, number, findings)
    last = claim_detail(shop, TECH, number).timeline[-1]
    assert (last.kind, last.staff, last.reason) == ("note", None, findings)
    topic, payload = _rows(shop, "SELECT topic, payload FROM outbox_events "
                                 "ORDER BY seq DESC LIMIT 1")[0]
    assert topic == "claim.note_added" and "Charging IC burnt" in str(payload)
    with pytest.raises(BadInput, match="under 4,000"):
        claims.add_note(shop, TECH, number, "x" * 4001)


def test_a_text_file_named_pdf_is_refused_as_proof_and_never_stored(
    shop: Database, home: Home, tmp_path: Path,
) -> None:
    number = claims.start_claim(shop, SALES, claims.StartClaim(
        sell(shop).warranty_codes[0], "No power")).number
    fake = tmp_path / "receipt.pdf"
    fake.write_bytes(FAKE_PDF)
    store = DocumentStore(home.documents)
    with pytest.raises(BadInput) as refused:
        claims.store_evidence_file(store, fake, "proof_of_purchase")
    assert str(refused.value) == (
        "receipt.pdf is plain text by its content, whatever its name says. A proof of purchase "
        "must be a PDF or a photo (JPEG, PNG, HEIC, WebP or GIF): attach the scan or photo "
        "itself.")
    assert not store.root.exists() or not any(p.is_file() for p in store.root.rglob("*"))
    # The service refuses it too, whoever calls it.
    with pytest.raises(BadInput, match=r"receipt\.pdf is plain text"):
        claims.attach_evidence(shop, SALES, number, kind="proof_of_purchase", sha256="a" * 64,
                               media_type="text/plain", size=17, original_name="receipt.pdf")
    assert _rows(shop, "SELECT count(*) FROM evidence_documents") == [(0,)]


def test_a_real_pdf_is_kept_whatever_its_name_and_a_typed_report_is_kept_as_text(
    home: Home, tmp_path: Path,
) -> None:
    store = DocumentStore(home.documents)
    scan = tmp_path / "scan.txt"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert claims.store_evidence_file(store, scan, "proof_of_purchase").media_type == (
        "application/pdf")
    report = tmp_path / "report.txt"
    report.write_bytes(b"Fan noise at start-up; board reflowed.\n")
    assert claims.store_evidence_file(store, report, "technician_report").media_type == (
        "text/plain")


def test_an_unknown_sale_claim_with_a_text_proof_is_refused(shop: Database) -> None:
    with pytest.raises(BadInput, match="is plain text"):
        claims.start_unknown_sale_claim(shop, SALES, claims.StartUnknownSaleClaim(
            customer=CustomerInput("Grace Hopper", phone="555-0100-22"),
            product_description="Lumen 14 Laptop", serial="sn-x-1",
            purchased_on=date(2026, 5, 1), purchased_where="Online marketplace",
            fault="No power", proof_sha256="ab" * 32, proof_media_type="text/plain",
            proof_size=17, proof_name="receipt.pdf"))
    assert _rows(shop, "SELECT count(*) FROM claims") == [(0,)]


def test_the_proof_line_agrees_with_what_is_still_missing(shop: Database) -> None:
    number = claims.start_claim(shop, SALES, claims.StartClaim(
        sell(shop).warranty_codes[0], "No power")).number
    detail = claim_detail(shop, MANAGER, number)
    assert "proof_of_purchase" in detail.missing_evidence
    assert detail.proof_words == "missing"
    claims.attach_evidence(shop, SALES, number, kind="proof_of_purchase", sha256="a" * 64,
                           media_type="application/pdf", size=900, original_name="r.pdf")
    detail = claim_detail(shop, MANAGER, number)
    assert "proof_of_purchase" not in detail.missing_evidence
    assert detail.proof_words == "attached"
    unknown = claim_detail(shop, MANAGER, _unknown_sale(shop))
    assert unknown.proof_words == "attached, waiting to be checked"
