"""Every role against every service: allowed roles succeed, the others are refused unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from tests.conftest import actor, sqlite_rows
from tests.unit.services.helpers import sell
from warranty_desk.errors import PermissionDenied
from warranty_desk.permissions import MATRIX, Actor, Permission, Role
from warranty_desk.rules.claim_states import ClaimState, Outcome
from warranty_desk.services import (
    activation,
    catalogue,
    claims,
    decisions,
    lookup,
    reports,
    sale_input,
)
from warranty_desk.storage.database import Database

Call = Callable[[Actor], object]


def _claim(db: Database, state: ClaimState = ClaimState.RECEIVED) -> str:
    code = sell(db, "RB-1", serials=("RB-SN-1",)).warranty_codes[0]
    number = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "No power")).number
    if state is not ClaimState.RECEIVED:
        claims.advance(db, actor(Role.MANAGER), number, ClaimState.REVIEWING)
    return number


def _cases(db: Database) -> dict[str, tuple[Permission, Call]]:
    """Each service call prepared on this database, with the permission it needs."""
    code = sell(db).warranty_codes[0]
    number = _claim(db)
    reviewing = _claim_reviewing(db)
    unknown, rejected = _unknown_sale(db), _rejected(db)
    return {
        "lookup": (Permission.LOOKUP,
                   lambda a: lookup.lookup(db, a, "SN-LAP-0001")),
        "activate": (Permission.ACTIVATE_SALE, lambda a: activation.record_sale(
            db, a, sale_input.SaleInput(f"A-{a.role}", date(2026, 11, 2), (
                sale_input.LineInput("CBL-1", 1, 1_500),)))),
        "sell extension": (Permission.SELL_EXTENSION, lambda a: activation.sell_extension(
            db, a, code, "Care 12")),
        "void": (Permission.VOID_WARRANTY,
                 lambda a: activation.void_warranty(db, a, code, "Returned")),
        "start claim": (Permission.START_CLAIM, lambda a: claims.start_claim(
            db, a, claims.StartClaim(code, "Cracked screen"))),
        "attach evidence": (Permission.ADD_EVIDENCE, lambda a: claims.attach_evidence(
            db, a, number, kind="photo_of_fault", sha256="e" * 64, media_type="image/png",
            size=9)),
        "advance": (Permission.ADVANCE_CLAIM, lambda a: claims.advance(
            db, a, number, ClaimState.REVIEWING)),
        "decide": (Permission.DECIDE_CLAIM, lambda a: decisions.decide(
            db, a, reviewing, decisions.Decision(Outcome.REJECT, "No fault found"))),
        "post cost": (Permission.POST_COST, lambda a: decisions.post_cost(
            db, a, number, decisions.CostLine("shipping", 1_200, "courier"))),
        "note": (Permission.RECORD_WORK, lambda a: claims.add_note(
            db, a, number, "Charging port corroded")),
        "verify proof": (Permission.VERIFY_PROOF, lambda a: claims.verify_proof(
            db, a, unknown, accepted=True, note="Invoice matches")),
        "reopen": (Permission.DECIDE_CLAIM, lambda a: decisions.reopen(
            db, a, rejected, "Customer brought a report")),
        "policy": (Permission.MANAGE_SETTINGS, lambda a: catalogue.add_policy(
            db, a, catalogue.PolicyInput(f"P-{a.role}", 6))),
        "register report": (Permission.VIEW_REPORTS,
                            lambda a: list(reports.warranty_register(db, a))),
    }


def _claim_reviewing(db: Database) -> str:
    code = sell(db, "RB-2", serials=("RB-SN-2",)).warranty_codes[0]
    number = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "No sound")).number
    claims.advance(db, actor(Role.MANAGER), number, ClaimState.REVIEWING)
    return number


def _unknown_sale(db: Database) -> str:
    from warranty_desk.services.customers import CustomerInput

    return claims.start_unknown_sale_claim(db, actor(Role.SALES), claims.StartUnknownSaleClaim(
        customer=CustomerInput("Grace Hopper", phone="555-0100-22"),
        product_description="Laptop", serial="SN-ELSEWHERE", purchased_on=date(2026, 5, 1),
        purchased_where="Online", fault="No power", proof_sha256="ab" * 32,
        proof_media_type="application/pdf", proof_size=2048)).number


def _rejected(db: Database) -> str:
    code = sell(db, "RB-3", serials=("RB-SN-3",)).warranty_codes[0]
    number = claims.start_claim(db, actor(Role.SALES), claims.StartClaim(code, "No sound")).number
    decisions.decide(db, actor(Role.MANAGER), number,
                     decisions.Decision(Outcome.REJECT, "Liquid damage"))
    return number


SERVICES = ["lookup", "activate", "sell extension", "void", "start claim", "attach evidence",
            "advance", "decide", "post cost", "note", "verify proof", "reopen", "policy",
            "register report"]


def _audit_count(db: Database) -> int:
    return int(sqlite_rows(db.path, "SELECT count(*) FROM audit_entries")[0][0])


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("service", SERVICES)
def test_each_role_is_allowed_or_refused_as_the_matrix_says(
    shop: Database, service: str, role: Role
) -> None:
    permission, call = _cases(shop)[service]
    before = _audit_count(shop)
    if role in MATRIX[permission]:
        call(actor(role))
    else:
        with pytest.raises(PermissionDenied) as refused:
            call(actor(role))
        assert permission.value in str(refused.value)
        assert _audit_count(shop) == before


def test_system_admins_make_no_claim_decisions() -> None:
    decisions_ = (Permission.DECIDE_CLAIM, Permission.OVERRIDE_RULE, Permission.ADVANCE_CLAIM)
    assert all(Role.ADMIN not in MATRIX[p] for p in decisions_)
