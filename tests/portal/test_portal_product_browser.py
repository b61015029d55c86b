"""The product warranty snippet in a real browser (Debian's chromium through Playwright), as a
shop's page on another origin uses it: framed, and the JSON fetched across origins.

Set PORTAL_SHOTS=/some/folder to keep the screenshot (phone width) for looking at.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.projections import projector
from tests.portal.support import LivePortal, PortalDatabase, chromium, free_port, register
from tests.portal.test_portal_accessibility import accessibility_problems
from tests.portal.test_portal_browser import ARGS, PHONE, check_page, watch_policy
from tests.portal.test_portal_product_display import GTIN, _catalogue
from tests.portal.till import push_all, till

SHOP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>A phone</title></head>
<body><h1>Lumen Phone</h1><p>499.00</p>
<iframe id="cover" title="Warranty" src="{base}/products/{gtin}/snippet.html"
 width="100%" height="560"></iframe>
<p id="fetched"></p>
<script>fetch("{base}/products/PHN-1.json").then(r => r.json())
  .then(d => document.getElementById("fetched").textContent = d.cover)
  .catch(e => document.getElementById("fetched").textContent = "refused: " + e);</script>
</body></html>"""


@pytest.fixture(scope="module")
def base(live_portal: LivePortal, portal_db: PortalDatabase,
         tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live portal's address, its catalogue sent by a till (before the browser starts:
    Django refuses database calls beside Playwright's event loop)."""
    branch = register("PDW1")
    _, db = till(tmp_path_factory.mktemp("till"), branch)
    _catalogue(db, manufacturer=12, shop=12, plans=True)
    push_all(db, live_portal, branch)
    projector.catch_up(branch.pk)
    return live_portal.url.removesuffix("/api/v1")


@pytest.fixture
def shop_site(base: str, tmp_path: Path) -> Iterator[str]:
    """A shop's own web page on another origin (another port), framing the snippet."""
    (tmp_path / "phone.html").write_text(SHOP_PAGE.format(base=base, gtin=GTIN), "utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/phone.html"
    finally:
        server.shutdown()
        server.server_close()


def test_a_shop_page_on_another_origin_frames_the_snippet_and_fetches_the_json(
    shop_site: str, tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    with chromium(ARGS) as browser:
        context = browser.new_context(viewport=PHONE)
        try:
            page = context.new_page()
            refused = watch_policy(page)
            page.goto(shop_site)
            frame = page.frame_locator("#cover")
            expect(frame.get_by_role("heading", name="Warranty Lumen Phone <X>")).to_be_visible()
            expect(frame.get_by_text("12 months manufacturer's warranty, then 12 months from "
                                     "the shop.")).to_be_visible()
            expect(frame.get_by_text("Liquid <i>damage</i>")).to_be_visible()
            check_page(page, "product-snippet-framed", "phone", tmp_path)
            frame.get_by_text("Warranty terms").click()
            expect(frame.get_by_text("Repairs first, then a replacement <script>.")
                   ).to_be_visible()
            expect(page.locator("#fetched")).to_have_text(
                "12 months manufacturer's warranty, then 12 months from the shop.")
            inner = next(f for f in page.frames if f.url.endswith("/snippet.html"))
            overflow = inner.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"the snippet is {overflow}px wider than its frame"
            page.goto(inner.url)
            page.get_by_text("Warranty terms").click()
            assert accessibility_problems(page) == []
            check_page(page, "product-snippet", "phone", tmp_path)
            assert refused == []
        finally:
            context.close()
