"""Head office keeps no secret where it does not belong: after branches sign in with their
tokens, a web shop's signed order arrives, and customers type a card number into a claim and a
message, no token, webhook secret or card-like number is in a pg_dump of the database, in the
portal's log lines, or in the PDFs it hands out."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from portal.customers.models import OnlineClaim
from portal.devdb import _bindir
from portal.projections.models import Product
from portal.webshop.shops import add_shop
from tests.portal.customers import Shops, signed_in
from tests.portal.support import LivePortal, PortalDatabase
from tests.portal.webshop import raw, send_shopify
from tests.privacy.scanner import Scan, scan_files, scan_pg_dump

pytestmark = pytest.mark.usefixtures("fresh_limits")

SHOP_SECRET = "s20-shopify-secret-Qm7xT2vK9pL4wN8r"
CARD = "4929 1803 5544 7269"
SHOPIFY_DOMAIN = "privacy-demo.myshopify.com"
# Columns of identifiers by design at head office (serials, product numbers, order numbers).
IDENTIFIERS = {("projections_warranty", "serial"), ("projections_product", "gtin"),
               ("projections_claim", "serial"), ("webshop_weborder", "platform_id")}


@pytest.fixture
def portal_log(tmp_path: Path) -> Iterator[Path]:
    """Every log line the portal writes during the test, as a file to scan."""
    path = tmp_path / "portal.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()


def _dump(db: PortalDatabase) -> str:
    pg_dump = _bindir() / "pg_dump"
    assert pg_dump.exists() or shutil.which("pg_dump")
    done = subprocess.run([str(pg_dump), "--data-only", "--no-owner", "-d", db.url],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_head_office_keeps_no_token_webhook_secret_or_card_number(
    portal_db: PortalDatabase, live_portal: LivePortal, records: Shops, portal_log: Path,
    tmp_path: Path,
) -> None:
    # A web shop's signed order, through the webhook as Shopify sends it.
    Product.objects.get_or_create(branch_id=records.north.pk, sku="KET-1",
                                  defaults={"name": "KET-1"})
    add_shop("shopify", SHOPIFY_DOMAIN, prefix="PV", currency_code="EUR",
             branch=records.north.code, secret=SHOP_SECRET)
    hook = send_shopify(live_portal, raw("shopify_orders_paid.json"), SHOP_SECRET,
                        domain=SHOPIFY_DOMAIN)
    assert hook.status_code == 200, hook.text
    # A wrong signature is refused and logged: the log must not show the secret either.
    refused = send_shopify(live_portal, raw("shopify_orders_paid.json"), SHOP_SECRET,
                           domain=SHOPIFY_DOMAIN, sign=SHOP_SECRET)
    assert refused.status_code == 401
    # A branch's till signs in with its token (a pull of its inbox), and once with it broken.
    for token in (records.north.token, records.north.token[:-2] + "xx"):
        pulled = requests.get(f"{live_portal.url}/inbox", timeout=20,
                              headers={"Authorization": f"Bearer {token}"})
        assert pulled.status_code < 500
    # The customer types the card number into the claim's description.
    ann = signed_in(records.ann_email)
    OnlineClaim.objects.all().delete()
    sent = ann.post(reverse("customers:start_claim",
                            args=[records.north.code, f"{records.north.code}-W1"]),
                    {"fault": "Does not switch on",
                     "other": f"Paid with my card {CARD}, please refund it there"})
    assert sent.status_code == 302, sent.content.decode()[-2000:]
    online = OnlineClaim.objects.get()
    # And writes it again in a message to the branch about their claim.
    wrote = signed_in(records.bob_email).post(
        reverse("customers:messages", args=[records.north.code, "CL-9"]),
        {"body": f"Refund to {CARD.replace(' ', '-')} please"})
    assert wrote.status_code == 302, wrote.content.decode()[-2000:]
    ticket = ann.get(reverse("customers:dropoff_ticket",
                             args=[records.north.code, online.item_id]))
    certificate = ann.get(reverse("customers:certificate",
                                  args=[records.north.code, f"{records.north.code}-W1"]))
    exports = []
    for name, answer in (("drop-off.pdf", ticket), ("certificate.pdf", certificate)):
        if answer.status_code == 200:
            (tmp_path / name).write_bytes(answer.content)
            exports.append(tmp_path / name)
    assert exports, "head office handed out no PDF to scan"

    secrets = {"branch token": records.north.token, "other branch token": records.south.token,
               "web shop secret": SHOP_SECRET, "card number": CARD,
               "card digits": CARD.replace(" ", "")}
    scan = Scan()
    scan_pg_dump(scan, _dump(portal_db), secrets, IDENTIFIERS)
    scan_files(scan, [portal_log, live_portal.log, *exports], secrets)
    print(f"portal scan: {scan.places} places, {len(scan.leaks)} leaks, "
          f"{len(scan.explained)} explained: {scan.explained[:6]}")
    assert scan.leaks == [], "\n".join(scan.leaks)
    assert "[card number removed, ending 7269]" in OnlineClaim.objects.get().fault


def test_a_secret_kept_before_sealing_still_signs_and_is_sealed_when_saved(
    portal_db: PortalDatabase,
) -> None:
    from django.db import connection

    from portal.webshop.models import WebShop
    from portal.webshop.sealed import PREFIX

    shop, _ = add_shop("woocommerce", "https://legacy.example/", prefix="LG",
                       currency_code="EUR", secret="legacy-secret-9x8y7z6w")
    with connection.cursor() as cursor:  # as a row written before 0003 holds it
        cursor.execute("UPDATE webshop_webshop SET secret = %s WHERE id = %s",
                       ["legacy-secret-9x8y7z6w", shop.pk])
    kept = WebShop.objects.get(pk=shop.pk)
    assert kept.secret == "legacy-secret-9x8y7z6w"
    kept.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webshop_webshop WHERE id = %s", [shop.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith(PREFIX) and "legacy-secret" not in stored
    assert WebShop.objects.get(pk=shop.pk).secret == "legacy-secret-9x8y7z6w"
