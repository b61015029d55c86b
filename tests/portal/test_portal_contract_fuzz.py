"""schemathesis against the contract file, every operation, on the live portal.

Generated requests both keep to the contract and break it; every answer must be one the
contract documents, in its shape and media type, and a request without the token must be
refused.

One check is left out: "schema-valid data is accepted". Three refusals depend on what the
portal holds or on two fields together, which a JSON Schema cannot say: an inbox cursor the
portal never gave, a nightly report for another branch than its path, and a document whose
bytes do not hash to its address. Each has its own test (test_portal_inbox,
test_portal_validation, test_portal_documents).
"""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from portal.contract import spec_path
from tests.portal.support import LivePortal, RegisteredBranch, register

schema = schemathesis.openapi.from_path(spec_path())
BRANCH = re.compile(r"^[A-Z0-9]{2,6}$")


@pytest.fixture(scope="module")
def fuzz_branch(live_portal: LivePortal) -> RegisteredBranch:
    """One branch for the module: generated requests speak for it."""
    return register()


@schema.parametrize()
# Derandomised: the same cases every run, so a failure here always reproduces.
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_the_contract_says(
    case: schemathesis.Case, live_portal: LivePortal, fuzz_branch: RegisteredBranch,
) -> None:
    branch = (case.path_parameters or {}).get("branch")
    if isinstance(branch, str) and BRANCH.match(branch):
        # A well-formed code speaks for the token's own branch, so the request gets past
        # sign-in and reaches the operation; ill-formed ones stay, to be refused.
        case.path_parameters["branch"] = fuzz_branch.code
    # The public product page stands outside the sync API's base path (its own `servers`).
    public = case.operation.path.startswith("/products/")
    case.call_and_validate(base_url=live_portal.url.removesuffix("/api/v1") if public
                           else live_portal.url,
                           headers={"Authorization": f"Bearer {fuzz_branch.token}"},
                           excluded_checks=[positive_data_acceptance])
