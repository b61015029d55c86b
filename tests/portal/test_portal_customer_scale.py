"""The customer pages at scale: found by normalised email or E.164 phone through indexes, in
a number of queries that does not grow with the customer's purchases.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.customers.identity import account_for
from portal.projections.models import Claim, Customer, Message, Policy
from tests.conftest import TODAY
from tests.portal.customers import Shops, claim_with, sale
from tests.portal.office import client
from tests.portal.support import LivePortal, PortalDatabase, full_scans, register

# Many customers, each with a phone and an address and a warranty and a claim with steps,
# so a query that reads a whole table shows as a scan of it.
_MANY = """
INSERT INTO projections_customer (branch_id, reference, name, phone, phone_digits, email,
                                  segment, seq)
SELECT %(branch)s, 'BULK-CU-' || g, 'Bulk ' || g, '+4477009' || lpad(g::text, 5, '0'),
       '4477009' || lpad(g::text, 5, '0'), 'bulk' || g || '@x.example', '', 1
FROM generate_series(1, 20000) g;
INSERT INTO projections_warranty (branch_id, code, serial, customer_id, invoice, status,
                                  start_on, end_on, void_reason, replaced_by, seq)
SELECT branch_id, 'BULK-W-' || id, 'BULK' || id, id, '', 'active', DATE '2026-01-01',
       DATE '2028-01-01', '', '', 1
FROM projections_customer WHERE branch_id = %(branch)s;
INSERT INTO projections_warrantylayer (warranty_id, position, kind, start_on, end_on, plan)
SELECT id, 0, 'manufacturer', start_on, end_on, '' FROM projections_warranty
WHERE branch_id = %(branch)s;
INSERT INTO projections_claim (branch_id, number, warranty_id, customer_id, state, outcome,
                               channel, claim_type, fault, serial, decision_reason,
                               proof_status, seq, opened_at)
SELECT branch_id, 'BULK-C-' || id, id, customer_id, 'received', '', '', '', '', serial, '', '',
       1, TIMESTAMPTZ '2026-06-01 10:00Z'
FROM projections_warranty WHERE branch_id = %(branch)s;
INSERT INTO projections_claimevent (claim_id, event_id, seq, occurred_at, topic, from_state,
                                    to_state, details)
SELECT id, md5(id::text)::uuid, 1, opened_at, 'claim.opened', '', 'received', '{}'
FROM projections_claim WHERE branch_id = %(branch)s
"""
_READ_MODELS = ("projections_customer", "projections_warranty", "projections_warrantylayer",
                "projections_claim", "projections_claimevent")


@pytest.fixture(scope="module")
def bulk(records: Shops) -> str:
    """Twenty thousand customers beside the two shops' few; the branch code of the bulk."""
    code = register("BULKC").code
    with connection.cursor() as cursor:
        cursor.execute(_MANY, {"branch": _branch_pk(code)})
        cursor.execute("ANALYZE")
    return code


def _branch_pk(code: str) -> int:
    from portal.branches.models import Branch

    return int(Branch.objects.get(code=code).pk)


def _customer(email: str = "", phone: str = "") -> Client:
    account = account_for(email=email, phone=phone)
    assert account is not None, (email, phone)
    browser = client()
    browser.force_login(account.user, backend="allauth.account.auth_backends."
                                               "AuthenticationBackend")
    return browser


def _read_model_queries(browser: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as seen:
        answer = browser.get(path)
    assert answer.status_code == 200, answer.content.decode()[:500]
    return [q["sql"] for q in seen.captured_queries if "projections_" in q["sql"]]


@pytest.mark.parametrize("contact", ["email", "phone"])
def test_my_products_and_a_claim_are_read_through_indexes_never_a_whole_table(
    bulk: str, contact: str,
) -> None:
    who = {"email": {"email": "bulk777@x.example"}, "phone": {"phone": "+447700900777"}}
    browser = _customer(**who[contact])
    queries = _read_model_queries(browser, "/me/")
    queries += _read_model_queries(browser, f"/me/claims/{bulk}/BULK-C-"
                                   f"{_warranty_pk('bulk777@x.example')}/")
    assert queries, "the pages read the read models"
    with connection.cursor() as cursor:
        # A test-sized table is cheaper read whole than through an index: whole-table reads
        # are priced out, so a query no index serves still shows as one.
        for method in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET enable_{method} = off")
        try:
            for sql in queries:
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                for table in _READ_MODELS:
                    assert not full_scans(plan, table), f"{sql}\n{plan}"
        finally:
            for method in ("seqscan", "indexscan", "indexonlyscan"):
                cursor.execute(f"RESET enable_{method}")


def _warranty_pk(email: str) -> int:
    from portal.projections.models import Warranty

    return int(Warranty.objects.get(customer__email=email).pk)


def test_my_products_takes_as_many_queries_for_three_purchases_as_for_one(bulk: str) -> None:
    one = _customer(email="bulk778@x.example")
    three = _customer(email="ann@example.com")  # three purchases at two branches
    with CaptureQueriesContext(connection) as few:
        assert b"BULK-W-" in one.get("/me/").content
    with CaptureQueriesContext(connection) as more:
        assert three.get("/me/").content.count(b"<article") >= 3
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_bench_signs_customers_in_and_times_their_pages_beside_the_selects(
    live_portal: LivePortal, portal_db: PortalDatabase, bulk: str,
) -> None:
    from portal.projections.models import Claim
    from tests.bench import portal_customers

    # The bench takes customers with a claim and both contacts, as the synthetic shops have.
    [person] = portal_customers.sign_in(1)
    assert Claim.objects.filter(number=person.claim, branch__code=person.branch,
                                customer__email__iexact=person.email,
                                customer__phone=person.phone).exists()
    assert person.phone.startswith("+") and "@" in person.email
    people = [person]
    port = int(live_portal.url.split(":")[2].split("/")[0])
    data = {"customer_pages_ms": portal_customers.pages(port, people, rounds=2, think=(0, 0)),
            "customer_floors_ms": portal_customers.floors(portal_db.url, people),
            "customers_at_once": 1}
    assert all(s.runs == 2 and s.p95_ms > 0 for s in data["customer_pages_ms"].values())
    assert all(s.runs == 1 and s.p95_ms > 0 for s in data["customer_floors_ms"].values())
    lines = portal_customers.rows(data, lambda ok: "PASS" if ok else "FAIL")
    assert [line[0] for line in lines] == ["my products (/me/), 1 customers at once",
                                          "claim timeline, 1 customers at once"]
    assert all(line[2].startswith("SELECTs p95 ") for line in lines)


# What each customer page costs in statements, whatever the customer holds: the session, the
# user and their account, then the page's own reads. A count that grows with the customer's
# units, claims or messages is an N+1 come back.
PRODUCTS_STATEMENTS = 3 + 7  # record ids, units, their cover, claims, started here, policies,
#                              web orders
CLAIM_STATEMENTS = 3 + 4  # the claim (with the one started here and whether the customer
#                           added documents: none here), its steps, its messages, the shop's
#                           documents


def _cleo_buys(records: Shops, n: int, customer: Customer) -> Claim:
    """One more unit on the policy, with a claim of a few steps and a message on it."""
    branch = records.north
    unit = sale(branch, customer, f"{branch.code}-CLEO{n}", f"Blender {n}", f"SN-CLEO-{n}",
                TODAY - timedelta(days=40 + n), 2, policy_ref="P-CLEO")
    claim = claim_with(branch, customer, unit, f"CL-CLEO{n}",
                       [("received", 5), ("reviewing", 4), ("repairing", 2)])
    Message.objects.create(branch_id=branch.pk, message_id=f"cleo-{n}", claim=claim,
                           customer=customer, template="claim_reviewing", body="Looking.",
                           queued_at=datetime.combine(TODAY, time(9), UTC))
    return claim


def test_my_products_and_a_claim_take_the_same_statements_for_one_unit_as_for_four(
    records: Shops,
) -> None:
    north = records.north
    Policy.objects.create(branch_id=north.pk, ref="P-CLEO", name="Standard",
                          exclusions=["Drops"], evidence_required={"fault": ["serial_photo"]})
    cleo = Customer.objects.create(branch_id=north.pk, reference="C-CLEO", name="Cleo",
                                   email="cleo@example.com", phone="+447700900999")
    first = _cleo_buys(records, 1, cleo)
    browser = _customer(email="cleo@example.com")

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert browser.get("/me/").content.count(b"Blender") >= 1
        with CaptureQueriesContext(connection) as claim:
            answer = browser.get(f"/me/claims/{north.code}/{first.number}/")
            assert b"Looking." in answer.content
        return len(page.captured_queries), len(claim.captured_queries)

    assert counts() == (PRODUCTS_STATEMENTS, CLAIM_STATEMENTS)
    for n in (2, 3, 4):
        _cleo_buys(records, n, cleo)
    assert counts() == (PRODUCTS_STATEMENTS, CLAIM_STATEMENTS)
