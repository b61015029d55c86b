"""A supplier's contact signed in at the shop reads their own brand claims, and nothing of the
shop's dealings with other suppliers: not their terms, not the shop's settlement limit."""

from __future__ import annotations

import pytest

from tests.conftest import actor, sqlite_rows
from warranty_desk.errors import PermissionDenied
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import supplier_terms
from warranty_desk.storage.database import Database

LUMEN = Actor(staff_id=None, name="Lena Lumen", role=Role.SUPPLIER,
              supplier="Lumen UK Distribution")


def test_a_supplier_contact_cannot_read_other_suppliers_terms_or_the_settlement_limit(
    db: Database,
) -> None:
    manager = actor(Role.MANAGER)
    for supplier, days in (("Lumen UK Distribution", 365), ("Orbit Trading", 90)):
        supplier_terms.set_terms(db, manager, supplier_terms.TermsInput(supplier,
                                                                        window_days=days))
    with pytest.raises(PermissionDenied):
        supplier_terms.all_terms(db, LUMEN)
    with pytest.raises(PermissionDenied):
        supplier_terms.suppliers(db, LUMEN)
    with pytest.raises(PermissionDenied):
        supplier_terms.get_settlement_limit(db, LUMEN)
    # The shop's own people still read them, as the suppliers' settings tab does.
    assert [t.supplier for t in supplier_terms.all_terms(db, manager)] == [
        "Lumen UK Distribution", "Orbit Trading"]
    assert supplier_terms.get_settlement_limit(db, actor(Role.FINANCE)) >= 0


@pytest.mark.parametrize("kind", ["claim", "warranty", "customer", "sale"])
def test_a_supplier_contact_cannot_note_the_shops_records_nor_learn_which_exist(
    shop: Database, kind: str
) -> None:
    from tests.unit.services.helpers import sell
    from warranty_desk.services import claims, exception_notes

    code = sell(shop).warranty_codes[0]
    number = claims.start_claim(shop, actor(Role.SALES), claims.StartClaim(code, "No power")
                                ).number
    customer = sqlite_rows(shop.path, "SELECT reference FROM customers")[0][0]
    existing = {"claim": number, "warranty": code, "customer": customer, "sale": "INV-1001"}
    for ref in (existing[kind], "NO-SUCH-RECORD"):
        with pytest.raises(PermissionDenied) as refused:
            exception_notes.add_note(shop, LUMEN, exception_notes.NoteInput(
                kind, ref, "other", "Looked at it"))
        assert "brand claim" in str(refused.value)


def test_a_supplier_contact_notes_only_their_own_suppliers_brand_claims(db: Database) -> None:
    from warranty_desk.errors import NotFound
    from warranty_desk.services import exception_notes

    with pytest.raises(NotFound):
        exception_notes.add_note(db, LUMEN, exception_notes.NoteInput(
            "brand_claim", "BR01-BC-2026-000009", "other", "Parcel came back open"))
