"""Settings > Sync's "Test connection": one harmless read of the portal with what the form says."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select

from sync.contract import TransientError
from sync.http import HttpClient
from sync.inbox import PortalInbox
from sync.secrets import PORTAL_TOKEN, get_secret
from warranty_desk.config import SyncSettings, address_problem
from warranty_desk.errors import BadInput, WarrantyDeskError
from warranty_desk.models import Shop
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


class ConnectionFailed(WarrantyDeskError):
    """The portal could not be reached or refused the settings; the message says which."""


def check_portal(home: Home, db: Database, settings: SyncSettings, typed_token: str = "") -> str:
    """Read one inbox item (applying and acknowledging nothing); the plain result, or raise.

    The token typed in the form is tried when there is one, else the stored one, so a person
    can test before saving. Blocking: run it off the GUI thread.
    """
    if not settings.portal_url:
        raise BadInput("Type head office's portal address first.")
    problem = address_problem(settings.portal_url, "portal address")
    if problem:
        raise BadInput(problem[0].upper() + problem[1:] + ".")
    token = typed_token.strip() or str(get_secret(home, PORTAL_TOKEN) or "")
    if not token:
        raise BadInput("Type head office's sync token first (no token is stored yet).")
    branch = settings.branch
    if not branch:
        with db.read() as session:
            branch = session.scalars(select(Shop.branch_code)).one()
    client = HttpClient(settings.portal_url, lambda: token, who="the portal")
    try:
        PortalInbox(client, branch).page("", 1)
    except (TransientError, BadInput) as exc:
        raise ConnectionFailed(str(exc)) from None
    finally:
        client.close()
    host = urlsplit(settings.portal_url).netloc
    return (f"Head office's portal at {host} answered for branch {branch}: the address, token "
            "and branch code work.")
