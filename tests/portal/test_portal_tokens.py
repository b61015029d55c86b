"""Branch tokens: shown once, kept only as a hash, and good for their own branch only."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
import requests

from portal.branches import services
from portal.branches.models import BranchToken
from portal.errors import PortalInputError
from sync.contract import Event, TransientError
from tests.portal.support import LivePortal, RegisteredBranch, register
from tests.portal.till import destination

EVENT = Event(seq=1, id="019ae0a1-1111-7000-8000-00000000abcd", topic="customer.updated",
              aggregate="customer", aggregate_id="C-1",
              occurred_at=datetime(2026, 11, 22, 9, tzinfo=UTC), payload={"name": "Ada"})


def _inbox(live: LivePortal, code: str, token: str) -> requests.Response:
    return requests.get(f"{live.url}/branches/{code}/inbox",
                        headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_token_is_kept_only_as_the_sha256_of_its_secret(branch: RegisteredBranch) -> None:
    [row] = BranchToken.objects.filter(branch_id=branch.pk)
    secret = branch.token.rsplit("_", 1)[-1] if branch.token.count("_") == 2 else \
        branch.token[len("wdp_") + 17:]
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert branch.token not in {row.selector, row.digest} and secret not in row.digest
    assert services.branch_of_token(branch.token) is not None


def test_a_right_token_reads_its_own_branch(live_portal: LivePortal,
                                            branch: RegisteredBranch) -> None:
    answer = _inbox(live_portal, branch.code, branch.token)
    assert answer.status_code == 200 and answer.json()["items"] == []


@pytest.mark.parametrize("token", ["", "nonsense", "wdp_0123456789abcdef_wrong-secret"])
def test_a_missing_or_wrong_token_gets_401_problem(live_portal: LivePortal,
                                                   branch: RegisteredBranch, token: str) -> None:
    answer = _inbox(live_portal, branch.code, token)
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert "sync token" in answer.json()["reason"]


def test_a_right_selector_with_a_wrong_secret_is_refused(live_portal: LivePortal,
                                                         branch: RegisteredBranch) -> None:
    forged = branch.token[:len("wdp_") + 17] + "A" * 43
    assert _inbox(live_portal, branch.code, forged).status_code == 401


def test_a_revoked_token_is_refused_and_a_new_one_works(live_portal: LivePortal,
                                                        branch: RegisteredBranch) -> None:
    assert services.revoke_tokens(branch.code) == 1
    assert _inbox(live_portal, branch.code, branch.token).status_code == 401
    fresh = services.issue_token(branch.code)
    assert _inbox(live_portal, branch.code, fresh).status_code == 200


def test_another_branchs_token_is_refused_with_both_codes_named(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    other = register()
    answer = _inbox(live_portal, branch.code, other.token)
    assert answer.status_code == 403 and answer.json()["code"] == "wrong_branch"
    assert answer.json()["reason"].startswith(
        f"This sync token belongs to branch {other.code}, not {branch.code}.")


def test_the_till_treats_a_refused_token_as_a_settings_problem_and_parks_nothing(
    live_portal: LivePortal, branch: RegisteredBranch,
) -> None:
    wrong = RegisteredBranch(branch.code, "wdp_0123456789abcdef_nope", branch.pk)
    with pytest.raises(TransientError, match=r"refused the sync token \(401\).*Settings → Sync"):
        destination(live_portal, wrong).send([EVENT])


def test_a_branch_code_is_registered_once_and_must_look_like_one(branch: RegisteredBranch
                                                                  ) -> None:
    with pytest.raises(PortalInputError, match="already registered"):
        services.register_branch(branch.code)
    with pytest.raises(PortalInputError, match="is not a branch code"):
        services.register_branch("br-01!")
