"""The built bundle, once per test session (see bundle_build.py for the cache)."""

from __future__ import annotations

import pytest

from tests.packaging.bundle_build import Built, bundle


@pytest.fixture(scope="session")
def built_bundle() -> Built:
    return bundle()
