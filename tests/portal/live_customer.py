"""A customer on the portal served by gunicorn: its mail caught, signed in by the mailed code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from keyring.backends import fail

from tests.portal.customers import Mailbox, smtp
from tests.portal.support import PortalDatabase, served
from tests.sync.test_secrets import use


@pytest.fixture(autouse=True)
def no_keyring() -> Iterator[Any]:
    """The till's secrets in memory only, never in the machine's keyring."""
    yield from use(fail.Keyring())


@pytest.fixture(scope="module", name="mail")
def mail_box() -> Iterator[Mailbox]:
    """The SMTP server the portal's mail goes to."""
    with smtp() as box:
        yield box


@pytest.fixture(scope="module", name="portal")
def served_portal(portal_db: PortalDatabase, mail: Mailbox, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[str]:
    """The portal served by gunicorn, its mail going to the test's SMTP server: its base URL."""
    log = tmp_path_factory.mktemp("portal-log") / "gunicorn.log"
    with served(portal_db, log, threads=2, PORTAL_SMTP_HOST="127.0.0.1",
                PORTAL_SMTP_PORT=str(mail.port)) as (port, _):
        yield f"http://127.0.0.1:{port}"


def csrf(page: str) -> str:
    """The CSRF token of the page's form."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found, page[:2000]
    return found.group(1)


def live_signed_in(base: str, mail: Mailbox, address: str) -> requests.Session:
    """A browser session signed in with the code the portal mailed to `address`."""
    browser = requests.Session()
    form = browser.get(f"{base}/me/sign-in/", timeout=20).text
    asked = browser.post(f"{base}/me/sign-in/", timeout=20, data={
        "csrfmiddlewaretoken": csrf(form), "email": address})
    assert asked.url.endswith("/me/sign-in/code/"), asked.text[:2000]
    done = browser.post(f"{base}/me/sign-in/code/", timeout=20, data={
        "csrfmiddlewaretoken": csrf(asked.text), "code": mail.code_for(address)})
    assert done.url == f"{base}/me/", done.text[:2000]
    return browser
