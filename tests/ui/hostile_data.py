"""A customer, a claim, a complaint and a staff member whose words look like markup, or are long
or not in Latin letters: what people, scanners and files really send the counter."""

from __future__ import annotations

from dataclasses import dataclass

from tests.conftest import TODAY
from warranty_desk.permissions import Actor, Role
from warranty_desk.services import activation, claims, complaints, customer_view, staff
from warranty_desk.services.customers import CustomerInput
from warranty_desk.services.sale_input import LineInput, SaleInput
from warranty_desk.storage.database import Database

SCAN = '<h1 style="color:red">HELLO</h1>'
CUSTOMER = "<b>Eve</b>"
STAFF = "<i>Mallory</i>"
QUOTED = 'She said "it\'s <u>dead</u>" & won\'t charge'
ARABIC = "الشاشة لا تعمل"
CHINESE = "屏幕不亮"
EMOJI = "📱💥🔋"
LONG = "The screen flickers whenever the phone is tilted, " * 8 + "then goes black."
FAULT = f"{QUOTED} {ARABIC} {CHINESE} {EMOJI}"
COMPLAINT = "<script>alert('x')</script> nobody called back"
# Fragments that a label reading them as HTML would swallow or turn into formatting.
MARKUP = ("<h1", "<b>", "<i>", "<u>", "<script>", "&")


@dataclass(frozen=True, slots=True)
class Hostile:
    """What was made: the unit's serial, warranty code, claim number and customer reference."""

    serial: str
    warranty_code: str
    claim_number: str
    customer_reference: str


def add_hostile_records(db: Database) -> Hostile:
    """Sell a phone to <b>Eve</b>, open a claim in four scripts, log a complaint, hire Mallory."""
    owner = Actor(None, "Test owner", Role.OWNER)
    sale = activation.record_sale(db, owner, SaleInput(
        "INV-HOSTILE-1", TODAY, (LineInput("ORB-X-PHN", 1, 49_900, ("HOSTILE-0001",)),),
        CustomerInput(CUSTOMER, phone="+44 7700 900555", email="eve@example.org")))
    code = sale.warranty_codes[0]
    claim = claims.start_claim(db, owner, claims.StartClaim(
        code, FAULT, accessories=LONG, condition=QUOTED))
    reference = customer_view.find_customers(db, owner, "+44 7700 900555")[0].reference
    complaints.log_complaint(db, owner, reference, COMPLAINT, claim_number=claim.number)
    staff.create_staff(db, owner, STAFF, Role.MANAGER, "2468")
    return Hostile("HOSTILE-0001", code, claim.number, reference)
