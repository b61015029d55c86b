"""Settings > Sync's "Test connection": one harmless read of the portal with what the form says."""

from __future__ import annotations

from sync.contract import TransientError
from sync.destinations import PORTAL, wire
from sync.secrets import PORTAL_TOKEN, get_secret
from warranty_desk.config import SyncSettings, address_problem
from warranty_desk.errors import BadInput, WarrantyDeskError
from warranty_desk.services import numbers
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home


class ConnectionFailed(WarrantyDeskError):
    """The portal could not be reached or refused the settings; the message says which."""


def check_portal(home: Home, db: Database, settings: SyncSettings, typed_token: str = "") -> str:
    """Read one inbox item (applying and acknowledging nothing); the plain result, or raise.

    The token typed in the form is tried when there is one, else the stored one, so a person
    can test before saving. The portal is built as a cycle builds it (sync.destinations).
    Blocking: run it off the GUI thread.
    """
    if not settings.portal_url:
        raise BadInput("Type head office's portal address first.")
    problem = address_problem(settings.portal_url, "portal address")
    if problem:
        raise BadInput(problem[0].upper() + problem[1:] + ".")
    if not (typed_token.strip() or get_secret(home, PORTAL_TOKEN)):
        raise BadInput("Type head office's sync token first (no token is stored yet).")
    with db.read() as session:
        branch = numbers.branch_code(session)
    wiring = wire(home, settings, db.clock, branch=branch, typed={PORTAL_TOKEN: typed_token},
                  only=())
    try:
        return wiring.check(PORTAL.name)
    except (TransientError, BadInput) as exc:
        raise ConnectionFailed(str(exc)) from None
    finally:
        wiring.close()
