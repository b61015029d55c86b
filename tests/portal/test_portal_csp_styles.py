"""No inline style on any portal page: the policy allows styles only from the portal's files.

The mail templates keep theirs: a mail client drops linked stylesheets, and no page policy
applies to a mail.
"""

from __future__ import annotations

import re

from django.conf import settings

from portal.csp import policy_text
from tests.portal.support import REPO

INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def test_no_page_template_of_the_portal_holds_a_style_block_or_attribute() -> None:
    templates = sorted(path for path in (REPO / "portal").glob("**/templates/**/*.html")
                       if "mail" not in path.relative_to(REPO).parts)
    assert len(templates) > 20
    found = [f"{path.relative_to(REPO)}:{number}"
             for path in templates
             for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
             if INLINE_STYLE.search(line)]
    assert found == []


def test_the_policy_allows_styles_only_from_the_portals_own_files() -> None:
    assert settings.PORTAL_CSP["style-src"] == ["'self'"]
    assert "unsafe-inline" not in policy_text(settings.PORTAL_CSP)
