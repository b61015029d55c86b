"""A supplier's contact signed in at the shop reads their own brand claims, and nothing of the
shop's dealings with other suppliers: not their terms, not the shop's settlement limit."""

from __future__ import annotations

import pytest

from tests.conftest import actor
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
