"""A file too large to walk at start is walked once the app is ready: damage found then stops every
write at once and is said in the window, with the last good backup offered."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import actor, pinned_clock, sqlite_file
from tests.reliability.test_corruption import kept
from tests.ui.conftest import close_window
from warranty_desk.errors import DatabaseDamaged
from warranty_desk.permissions import Role
from warranty_desk.services import catalogue
from warranty_desk.storage import soundness
from warranty_desk.storage.home import Home

__all__ = ["kept"]  # the shop with its backups, from the start-check tests


def _zero_middle_page(home: Home) -> None:
    """Zero a page deep in the file that holds records, not the schema: the page in the middle
    of those no table of the schema's own uses (as the schema grew, the middle page of the
    whole file became one of sqlite_schema's, which the start's check reads and rightly
    refuses)."""
    with sqlite_file(home.database) as reader:
        schema_pages = {n for (n,) in reader.execute(
            "SELECT pageno FROM dbstat WHERE name = 'sqlite_schema'")}
        pages = [n for (n,) in reader.execute(
            "SELECT pageno FROM dbstat WHERE pagetype = 'leaf' AND name != 'sqlite_schema' "
            "ORDER BY pageno")]
    deep = [n for n in pages if n not in schema_pages]
    page = deep[len(deep) // 2]
    with home.database.open("r+b") as handle:
        handle.seek((page - 1) * 4096)
        handle.write(bytes(4096))


@pytest.mark.soak
@pytest.mark.logs(r"The shop's database is damaged")
def test_damage_deep_in_a_large_file_is_found_after_start_and_stops_every_write(
    qapp: QApplication, qtbot: Any, home: Home, kept: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.app import _Startup
    from ui.start_window import StartWindow

    # Every file is "too large" here, so the start checks the header and schema only.
    monkeypatch.setattr(soundness, "FULL_CHECK_MAX_BYTES", 0)
    _zero_middle_page(home)
    assert soundness.problem(home.database) is None
    assert soundness.problem(home.database, full=True) is not None
    first = StartWindow(home)
    first.show()
    startup = _Startup(home, qapp, first, pinned_clock(), probe=False, gc_was_on=True)
    startup.finish()
    window = startup.window
    assert window is not None, "the start refused a file whose header and schema are sound"
    try:
        qtbot.waitUntil(lambda: window.ctx.db.refusal is not None, timeout=30_000)
        # Above the first page (sign-in, or here the first run's), where the person is when it
        # is found, and above every screen after.
        banner = window.banner
        assert banner is not None and banner.isVisible() and window.pages.isVisible()
        assert window.pages.currentWidget() is window.first_run
        said = banner.text()
        assert "is damaged" in said
        assert f"The last good backup is {kept}" in said
        with pytest.raises(DatabaseDamaged):
            catalogue.add_policy(window.ctx.db, actor(Role.OWNER), catalogue.PolicyInput(
                name="After the damage", manufacturer_months=6))
    finally:
        window.sync_worker.stop()  # before its database is closed
        close_window(window)
