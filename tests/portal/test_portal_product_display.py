"""The public product warranty display: what the web page promises is what the counter honours.

A real till sends its catalogue to a live portal; the JSON and the embeddable snippet are read
over HTTP as a shop's page would, and their cover words are compared with the till's lookup.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from html import unescape

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from portal import contract
from portal.branches.models import Branch
from portal.projections import projector
from portal.projections.models import Policy, Product
from portal.receiver.events import store_batch
from tests.conftest import actor
from tests.portal.office import HOST
from tests.portal.support import LivePortal, PortalDatabase, RegisteredBranch, numbered_id, register
from tests.portal.till import push_all, till
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue
from warranty_desk.services.lookup import lookup
from warranty_desk.storage.database import Database

GTIN = "5012345678900"
OWNER = actor(Role.OWNER)


@dataclass(frozen=True)
class Shop:
    """Two branches listing the same phone under different policies; the first sells plans."""

    first: RegisteredBranch
    second: RegisteredBranch
    db: Database


def _catalogue(db: Database, *, manufacturer: int, shop: int, plans: bool) -> None:
    catalogue.add_policy(db, OWNER, catalogue.PolicyInput(
        name="Phones <b>", manufacturer_months=manufacturer, shop_months=shop,
        terms="Bring the unit with its receipt.\nRepairs first, then a replacement <script>.",
        exclusions=("Liquid <i>damage</i>", "Cracked screens")))
    catalogue.add_products(db, OWNER, [
        catalogue.ProductInput(sku="PHN-1", name="Lumen Phone <X>", brand="Lumen",
                               category="phones", policy="Phones <b>", gtin=GTIN,
                               list_price_minor=49_900),
        catalogue.ProductInput(sku="CAB-1", name="Cable", brand="Lumen", category="cables",
                               policy="Phones <b>", list_price_minor=900)])
    if plans:
        for name, months, price, categories, low in (
                ("Care 24", 24, 4_900, ("phones",), 10_000),
                ("Care 12", 12, 2_900, (), 0),
                ("Laptop Care", 36, 9_900, ("laptops",), 0),
                ("Premium Care", 36, 19_900, (), 100_000)):
            catalogue.add_extension_plan(db, OWNER, catalogue.ExtensionPlanInput(
                name=name, months=months, price_minor=price, categories=categories,
                min_price_minor=low))


@pytest.fixture(scope="module")
def shop(live_portal: LivePortal, portal_db: PortalDatabase,
         tmp_path_factory: pytest.TempPathFactory) -> Shop:
    first, second = register("PDA1"), register("PDB1")
    _, db = till(tmp_path_factory.mktemp("till-a"), first)
    _catalogue(db, manufacturer=12, shop=12, plans=True)
    push_all(db, live_portal, first)
    _, other = till(tmp_path_factory.mktemp("till-b"), second)
    _catalogue(other, manufacturer=24, shop=0, plans=False)
    push_all(other, live_portal, second)
    projector.catch_up(first.pk)
    projector.catch_up(second.pk)
    return Shop(first, second, db)


def _get(live: LivePortal, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(live.url.removesuffix("/api/v1") + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


def _fields(page: str, name: str) -> list[str]:
    return [unescape(found).strip()
            for found in re.findall(rf'data-field="{name}">(.*?)</', page, re.S)]


def test_the_snippet_says_the_cover_the_tills_lookup_gives_for_the_same_product(
    shop: Shop, live_portal: LivePortal,
) -> None:
    counter = lookup(shop.db, actor(Role.SALES), GTIN)
    assert counter.product is not None
    words = counter.product.cover
    assert words.cover == "12 months manufacturer's warranty, then 12 months from the shop."
    assert words.cover in counter.message
    status, _, body = _get(live_portal, f"/products/{GTIN}/snippet.html")
    page = body.decode()
    assert status == 200
    assert _fields(page, "cover") == [words.cover]
    assert _fields(page, "plan") == [plan.words for plan in words.plans]
    assert _fields(page, "exclusions") == [] and _fields(page, "exclusion") == list(
        words.exclusions)
    assert _fields(page, "terms") == [words.terms]
    # Every field is plain text: the shop's markup is shown, never run.
    assert "<script>" not in page and "<i>" not in page and "&lt;i&gt;damage" in page
    assert "Lumen Phone &lt;X&gt;" in page


def test_the_json_gives_cover_plans_exclusions_and_terms_and_nothing_of_a_customer(
    shop: Shop, live_portal: LivePortal,
) -> None:
    status, headers, body = _get(live_portal, "/products/PHN-1.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    found = json.loads(body)
    assert set(found) == {"sku", "gtin", "name", "brand", "category", "list_price_minor",
                          "list_price", "currency", "locale", "branch", "cover",
                          "manufacturer_months", "shop_months", "serial_note", "plans",
                          "exclusions", "terms"}
    assert (found["sku"], found["gtin"], found["brand"], found["branch"]) == (
        "PHN-1", "0" + GTIN, "Lumen", "PDA1")
    assert found["cover"] == "12 months manufacturer's warranty, then 12 months from the shop."
    # Eligible by the counter's rule: the phones plan and the any-category plan fit a
    # 499.00 phone; the laptops plan and the one for items from 1,000.00 do not.
    assert [(p["code"], p["price_minor"]) for p in found["plans"]] == [
        ("CARE-12", 2_900), ("CARE-24", 4_900)]
    assert found["plans"][1]["words"].startswith("Care 24: 24 months more cover for ")
    assert found["exclusions"] == ["Liquid <i>damage</i>", "Cracked screens"]
    assert found["terms"].startswith("Bring the unit with its receipt.\n")
    cable = json.loads(_get(live_portal, "/products/CAB-1.json")[2])
    assert [p["code"] for p in cable["plans"]] == ["CARE-12"]
    shape = contract.validator(contract.schema_pointer("ProductCover"))
    assert [e.message for e in shape.iter_errors(found)] == []
    assert [e.message for e in shape.iter_errors(cable)] == []


def test_answers_are_cacheable_and_a_known_version_gets_304(
    shop: Shop, live_portal: LivePortal,
) -> None:
    for path in ("/products/PHN-1.json", f"/products/{GTIN}/snippet.html"):
        status, headers, _ = _get(live_portal, path)
        assert status == 200
        assert "public" in headers["Cache-Control"] and "max-age=300" in headers["Cache-Control"]
        assert headers["Access-Control-Allow-Origin"] == "*"
        etag = headers["ETag"]
        status, again, body = _get(live_portal, path, **{"If-None-Match": etag})
        assert (status, body, again["ETag"]) == (304, b"", etag)
        assert _get(live_portal, path, **{"If-None-Match": '"other"'})[0] == 200
    # The same product by SKU or by GTIN is one version.
    assert (_get(live_portal, "/products/PHN-1.json")[1]["ETag"]
            == _get(live_portal, f"/products/{GTIN}.json")[1]["ETag"])


def test_the_snippet_may_be_framed_by_any_shop_page_and_runs_no_script(
    shop: Shop, live_portal: LivePortal,
) -> None:
    _, headers, _ = _get(live_portal, "/products/PHN-1/snippet.html")
    assert "X-Frame-Options" not in headers
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy  # default-src 'none' forbids every script
    # Every other page still refuses to be framed.
    _, check, _ = _get(live_portal, "/products/nothing.json")
    assert "frame-ancestors 'none'" in check["Content-Security-Policy"]


def test_an_unknown_product_is_404_with_a_plain_message(shop: Shop,
                                                         live_portal: LivePortal) -> None:
    status, headers, body = _get(live_portal, "/products/NOPE-9.json")
    assert status == 404 and headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in headers["Cache-Control"]
    assert json.loads(body) == {"detail": "No product with the SKU or barcode number 'NOPE-9' "
                                          "is listed at any of the shop's branches. Check the "
                                          "number on the product's label."}
    status, _, body = _get(live_portal, "/products/%3Cb%3E/snippet.html")
    assert status == 404 and "number &#x27;&lt;b&gt;&#x27; is listed" in body.decode()
    status, _, _ = _get(live_portal, "/products/PHN-1.json?branch=ZZZ9")
    assert status == 404


def test_branches_that_differ_answer_by_branch_asked_then_head_offices_choice_then_code(
    shop: Shop,
) -> None:
    web = Client(SERVER_NAME=HOST)
    assert web.get("/products/PHN-1.json").json()["branch"] == "PDA1"
    other = web.get("/products/PHN-1.json?branch=pdb1").json()
    assert (other["branch"], other["cover"], other["plans"]) == (
        "PDB1", "24 months manufacturer's warranty.", [])
    with override_settings(PORTAL_CATALOGUE_BRANCH="PDB1"):
        assert web.get("/products/PHN-1.json").json()["branch"] == "PDB1"
    assert web.get("/products/PHN-1.json", HTTP_IF_NONE_MATCH="*").status_code == 304
    # It only reads: any other method is 405 with what it takes (no CSRF 403 first).
    refused = web.post("/products/PHN-1.json")
    assert (refused.status_code, refused["Allow"]) == (405, "GET, HEAD")


def test_an_answer_costs_three_queries_whatever_the_number_of_plans(shop: Shop) -> None:
    web = Client(SERVER_NAME=HOST)
    for path in ("/products/PHN-1.json", f"/products/{GTIN}/snippet.html"):
        with CaptureQueriesContext(connection) as queries:
            assert web.get(path).status_code == 200
        assert len(queries) == 3, [q["sql"] for q in queries]


def test_events_from_older_tills_still_project_and_show_nothing_half_known(
    portal_db: object,
) -> None:
    branch = Branch.objects.get(code=register("PDC1").code)

    def event(n: int, topic: str, aggregate: str, payload: dict[str, object]
              ) -> dict[str, object]:
        return {"id": numbered_id(9000 + n), "seq": n, "topic": topic, "aggregate": aggregate,
                "aggregate_id": "p1", "occurred_at": f"2026-11-22T09:00:0{n}+00:00",
                "payload": payload}

    results = store_batch(branch, [
        event(1, "catalogue.policy_updated", "policy",
              {"name": "Old", "changed": {}, "ref": "p1", "exclusions": ["Drops"],
               "evidence_required": {}, "claim_limit_count": None,
               "claim_limit_period_months": 12}),
        event(2, "catalogue.products_added", "catalogue", {"skus": ["OLD-1"]})])
    assert {r.status for r in results} == {"accepted"}
    projector.catch_up(branch.pk)
    product = Product.objects.get(branch=branch, sku="OLD-1")
    assert (product.described, product.gtin, product.list_price_minor) == (False, "", None)
    policy = Policy.objects.get(branch=branch, ref="p1")
    assert (policy.manufacturer_months, policy.terms, policy.exclusions) == (None, "",
                                                                              ["Drops"])
    assert Client(SERVER_NAME=HOST).get("/products/OLD-1.json").status_code == 404
    # Upgraded, the till sends its catalogue again (`sync catalogue`): the product shows.
    store_batch(branch, [
        event(3, "catalogue.policy_updated", "policy",
              {"name": "Old", "changed": {}, "ref": "p1", "exclusions": ["Drops"],
               "manufacturer_months": 6, "shop_months": 6, "terms": "", "serial_required": True,
               "evidence_required": {}, "claim_limit_count": None,
               "claim_limit_period_months": 12}),
        event(4, "catalogue.products_added", "catalogue",
              {"skus": ["OLD-1"], "currency": "GBP", "locale": "en_GB", "products": [
                  {"sku": "OLD-1", "name": "Old kettle", "gtin": None, "brand": "Vista",
                   "category": "kitchen", "list_price_minor": 2_500, "policy_ref": "p1",
                   "serial_required": False}]})])
    projector.catch_up(branch.pk)
    shown = Client(SERVER_NAME=HOST).get("/products/OLD-1.json").json()
    assert (shown["cover"], shown["list_price"], shown["serial_note"], shown["exclusions"]) == (
        "6 months manufacturer's warranty, then 6 months from the shop.", "£25.00", None,
        ["Drops"])
