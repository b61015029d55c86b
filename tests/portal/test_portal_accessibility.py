"""The customer pages for people who use a keyboard, a screen reader or weak eyes, in a real
browser: every field has a label, Tab reaches every control in the page's order, and text
stands out from its background at 4.5:1 at least (WCAG's ratio for body text, computed here
from the browser's computed colours, no library).

`accessibility_problems(page)` is also run on every page of the customer journey test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.portal.customers import Shops, signed_in_customer, smtp
from tests.portal.support import LivePortal, chromium
from tests.portal.test_portal_browser import _UNLABELLED, ARGS, PHONE

LEAST_CONTRAST = 4.5

# The controls Tab should stop at, in document order, each marked with its place; a radio
# group is one stop (Tab enters it, the arrows move within it).
_TAB_STOPS = """() => {
  const stops = [];
  const groups = new Map();
  for (const e of document.querySelectorAll(
      'a[href], button, input, select, textarea, [tabindex]')) {
    const box = e.getBoundingClientRect(), style = getComputedStyle(e);
    if (e.disabled || e.type === 'hidden' || e.tabIndex < 0 || style.visibility === 'hidden'
        || (box.width === 0 && box.height === 0)) continue;
    if (e.type === 'radio' && groups.has(e.name)) {
      e.dataset.tabStop = groups.get(e.name);
      continue;
    }
    e.dataset.tabStop = String(stops.length);
    if (e.type === 'radio') groups.set(e.name, e.dataset.tabStop);
    stops.push(e.outerHTML.slice(0, 120));
  }
  return stops;
}"""

# Each element that holds text, with its colour laid over its background (the first opaque
# background up its ancestors, half-transparent ones blended in), and the contrast ratio.
_FAINT_TEXT = """(least) => {
  const rgba = text => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 1];
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, base) => base.map((v, i) => top[i] * top[3] + v * (1 - top[3]));
  const luminance = rgb => {
    const [r, g, b] = rgb.map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backdrop = e => {
    const layers = [];
    for (let n = e; n; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((base, layer) => over(layer, base), [255, 255, 255]);
  };
  const faint = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, e = node.parentElement;
    if (!node.textContent.trim() || seen.has(e)) continue;
    seen.add(e);
    const style = getComputedStyle(e), box = e.getBoundingClientRect();
    // Hidden, or words for screen readers parked off the screen: not read by eye.
    if (style.visibility === 'hidden' || box.width === 0 || box.right < 0) continue;
    const back = backdrop(e);
    const [a, b] = [luminance(over(rgba(style.color), back)), luminance(back)]
      .sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    if (ratio < least) faint.push(`${ratio.toFixed(2)}:1 "${node.textContent.trim()
      .slice(0, 40)}" (${e.tagName.toLowerCase()}, ${style.color} on rgb(${back
      .map(Math.round).join(', ')}))`);
  }
  return faint;
}"""


def _tab_problems(page: Page) -> list[str]:
    """Controls Tab does not reach, or reaches out of the page's order."""
    stops: list[str] = page.evaluate(_TAB_STOPS)
    if not stops:
        return []
    page.evaluate("document.querySelector('[data-tab-stop=\"0\"]').focus()")
    reached = ["0"]
    for _ in stops[1:]:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.dataset.tabStop ?? 'elsewhere'"))
    page.evaluate("document.activeElement.blur()")  # no focus ring left in a screenshot
    wanted = [str(n) for n in range(len(stops))]
    if reached == wanted:
        return []
    return [f"Tab went {reached}, the page's controls are: {stops}"]


def accessibility_problems(page: Page) -> list[str]:
    """What keeps the page from a keyboard, a screen reader or weak eyes; [] when nothing."""
    page.wait_for_load_state()
    unlabelled: list[str] = page.evaluate(_UNLABELLED)
    faint: list[str] = page.evaluate(_FAINT_TEXT, LEAST_CONTRAST)
    return ([f"no label: {field}" for field in unlabelled]
            + [f"contrast {line}" for line in faint] + _tab_problems(page))


@pytest.fixture(scope="module")
def phone_page(live_portal: LivePortal, records: Shops) -> Iterator[Page]:  # after the records
    """A phone-sized page, and the session of Bob (a claim under way) to sign it in with."""
    with smtp() as box:
        bob = signed_in_customer(box, records.bob_email)
    with chromium(ARGS) as browser:
        context = browser.new_context(viewport=PHONE)
        context.add_cookies([{"name": "sessionid", "url": _base(live_portal),
                              "value": bob.cookies["sessionid"].value}])
        yield context.new_page()
        context.close()


def _base(live: LivePortal) -> str:
    return live.url.removesuffix("/api/v1")


def test_the_checks_find_a_field_without_label_faint_text_and_a_control_tab_skips(
    phone_page: Page,
) -> None:
    phone_page.set_content("""<body style="background:#fff">
      <p style="color:#999">Faint words</p><p style="color:#595959">Dark enough</p>
      <input id="nameless"><label for="named">Named</label><input id="named">
      <a href="#a" tabindex="-1">Skipped by Tab</a><button>Last</button></body>""")
    found = accessibility_problems(phone_page)
    assert len(found) == 2, found
    assert found[0].startswith('no label: <input id="nameless">')
    assert found[1].startswith('contrast 2.85:1 "Faint words" (p, rgb(153, 153, 153)')
    phone_page.set_content("""<body><button tabindex="2">Second in the page</button>
      <button tabindex="1">First in the page</button></body>""")
    [order] = accessibility_problems(phone_page)
    assert order.startswith("Tab went ['0', 'elsewhere']"), order


def test_every_customer_page_has_labels_tab_order_and_contrast(
    phone_page: Page, live_portal: LivePortal, records: Shops,
) -> None:
    base = _base(live_portal)
    north = records.north.code
    pages = ["/me/", f"/me/claims/{north}/CL-9/", f"/me/claims/{north}/CL-9/documents/",
             f"/me/claims/{north}/CL-9/messages/", "/me/extend/"]
    found: dict[str, list[str]] = {}
    for path in pages:
        phone_page.goto(base + path)
        found[path] = accessibility_problems(phone_page)
    phone_page.context.clear_cookies()
    for path in ("/me/sign-in/", "/me/sign-in/phone/", f"/w/{north}-W1"):
        phone_page.goto(base + path)
        found[path] = accessibility_problems(phone_page)
    assert {path: problems for path, problems in found.items() if problems} == {}
