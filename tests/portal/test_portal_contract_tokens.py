"""Tokens in the contract: bound to their branch (403 wrong_branch elsewhere), rotated with a
grace period on the portal's clock, then refused 401 with words that say what to do; the till
shows those words as a settings problem and parks nothing."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

from django.test import Client

from portal.branches import services
from portal.branches.models import BranchToken
from sync.engine import SyncEngine
from sync.failures import Kind
from tests.portal.office import client as office_client
from tests.portal.support import (
    LivePortal,
    PortalDatabase,
    RegisteredBranch,
    portal_command,
    portal_env,
    register,
)
from tests.portal.till import destination, till
from warranty_desk.clock import FixedClock


def _marks(browser: Client, code: str, token: str) -> tuple[int, dict[str, object]]:
    answer = browser.get(f"/api/v1/branches/{code}/marks",
                         HTTP_AUTHORIZATION=f"Bearer {token}")
    body: dict[str, object] = answer.json()
    return answer.status_code, body


def test_a_rotated_token_works_through_the_grace_period_then_says_to_enter_the_new_one(
    branch: RegisteredBranch, portal_clock: FixedClock,
) -> None:
    browser = office_client()
    rotated = services.rotate_token(branch.code)
    assert rotated.token != branch.token and rotated.replaced == 1
    assert rotated.old_until == portal_clock.now() + services.ROTATION_GRACE
    assert _marks(browser, branch.code, branch.token)[0] == 200
    assert _marks(browser, branch.code, rotated.token)[0] == 200
    portal_clock.set(rotated.old_until - timedelta(seconds=1))
    assert _marks(browser, branch.code, branch.token)[0] == 200
    portal_clock.set(rotated.old_until)
    status, body = _marks(browser, branch.code, branch.token)
    assert (status, body["code"], body["permanent"]) == (401, "bad_token", False)
    assert str(body["reason"]).startswith(
        f"This sync token of branch {branch.code} was replaced by a new one and stopped "
        f"working on {rotated.old_until:%Y-%m-%d %H:%M} UTC. Enter the new token")
    assert _marks(browser, branch.code, rotated.token)[0] == 200


def test_rotating_again_never_gives_an_older_token_more_time(
    branch: RegisteredBranch, portal_clock: FixedClock,
) -> None:
    first = services.rotate_token(branch.code)
    portal_clock.set(portal_clock.now() + timedelta(days=3))
    second = services.rotate_token(branch.code)
    ends = dict(BranchToken.objects.filter(branch_id=branch.pk)
                .values_list("selector", "expires_at"))
    assert sorted(ends.values(), key=lambda e: (e is None, e)) == [
        first.old_until, second.old_until, None]
    assert second.replaced == 1  # only the token that had no end yet


def test_a_revoked_token_is_refused_at_once_saying_to_ask_for_a_new_one(
    branch: RegisteredBranch,
) -> None:
    services.revoke_tokens(branch.code)
    status, body = _marks(office_client(), branch.code, branch.token)
    assert status == 401 and "was revoked on" in str(body["reason"])
    assert "Ask head office for a new token" in str(body["reason"])


def test_a_token_on_another_branchs_address_is_403_and_reads_nothing(
    branch: RegisteredBranch,
) -> None:
    other = register()
    status, body = _marks(office_client(), other.code, branch.token)
    assert (status, body["code"], body["permanent"]) == (403, "wrong_branch", False)
    assert str(body["reason"]).startswith(f"This sync token belongs to branch {branch.code}, "
                                          f"not {other.code}.")


def test_branch_rotate_shows_the_new_token_once_and_the_old_ones_end(
    portal_db: PortalDatabase,
) -> None:
    code = register().code
    done = subprocess.run(portal_command("branch", "rotate", code), env=portal_env(portal_db),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith(f"A new sync token for {code} (shown only now")
    found = services.branch_of_token(lines[1])
    assert found is not None and found.code == code
    assert lines[2].startswith("Its older token(s) keep working until ")


def test_the_till_shows_what_to_do_when_its_token_was_replaced_and_parks_nothing(
    live_portal: LivePortal, branch: RegisteredBranch, portal_clock: FixedClock, tmp_path: Path,
) -> None:
    _, db = till(tmp_path, branch, claims=1)
    services.rotate_token(branch.code)
    # The grace period is over (the served portal's clock stands where this one started).
    BranchToken.objects.filter(branch_id=branch.pk, expires_at__isnull=False).update(
        expires_at=portal_clock.now() - timedelta(minutes=1))
    [report] = SyncEngine(db, [destination(live_portal, branch)]).push_once().destinations
    assert (report.parked, report.delivered, report.error_kind) == (0, 0, Kind.REFUSED)
    assert "refused the sync token (401)" in report.error
    assert "was replaced by a new one" in report.error
    assert "Enter the new token head office gave for this branch" in report.error
    # Where to enter it is said once: the portal's words name the place, the till adds none.
    assert report.error.endswith("in Settings → Sync.")
    assert report.error.count("Settings → Sync") == 1
