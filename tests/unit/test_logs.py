"""Bugs land in the rotating log under the home folder, with their traceback."""

from __future__ import annotations

import logging

import pytest

from warranty_desk.logs import LOG_NAME, setup_logging
from warranty_desk.storage.home import Home


@pytest.mark.logs(r"^unexpected error")
def test_a_bug_is_written_with_its_traceback_and_setup_twice_adds_one_handler(
    home: Home,
) -> None:
    first = setup_logging(home)
    assert setup_logging(home) is first
    try:
        try:
            raise ZeroDivisionError("boom at the counter")
        except ZeroDivisionError:
            logging.getLogger("warranty_desk.test").exception("unexpected error")
        first.flush()
        text = (home.logs / LOG_NAME).read_text("utf-8")
        assert "Traceback" in text and "boom at the counter" in text
    finally:
        logging.getLogger().removeHandler(first)
        first.close()
