"""The suite's own gates: an unexpected logged warning or a Python warning fails the test."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
SETTINGS = """
[pytest]
filterwarnings = error
markers =
    logs(*patterns): expected log lines
"""


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini(SETTINGS)
    return pytester


# The inner run logs through this process's root logger too, so the outer test names them.
@pytest.mark.logs(r"^the printer is on fire$")
def test_an_unexpected_warning_in_the_log_fails_the_test(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_it="""
        import logging
        def test_quiet():
            logging.getLogger("x").info("fine")
        def test_noisy():
            logging.getLogger("x").warning("the printer is on fire")
    """)
    result = suite.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*did not expect*", "*WARNING x: the printer is on fire*"])


@pytest.mark.logs(r"^offline: 3 records wait$", r"^a bug$")
def test_a_warning_the_test_names_passes_and_one_it_does_not_name_fails(
    suite: pytest.Pytester,
) -> None:
    suite.makepyfile(test_it="""
        import logging, pytest
        @pytest.mark.logs(r"^offline")
        def test_named():
            logging.getLogger("x").warning("offline: 3 records wait")
        @pytest.mark.logs(r"^offline")
        def test_other():
            logging.getLogger("x").error("a bug")
    """)
    result = suite.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR x: a bug*"])


def test_a_python_warning_fails_the_test(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_it="""
        import warnings
        def test_warns():
            warnings.warn("deprecated", DeprecationWarning)
    """)
    suite.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(failed=1)
