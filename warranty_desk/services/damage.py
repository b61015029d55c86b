"""A damaged shop database found at start: refused for writing, said in plain words, with the
last good backup offered."""

from __future__ import annotations

from warranty_desk.errors import DatabaseDamaged
from warranty_desk.storage import soundness
from warranty_desk.storage.home import Home


def words(home: Home, found: str) -> str:
    """What is wrong, that nothing will be written, and what to do: restore the last good backup."""
    # Only here: backup loads Alembic, and a sound start never needs it.
    from warranty_desk.services import backup

    said = (f"The shop's database ({home.database}) is damaged: {found}. Warranty Desk will not "
            "write to it, so nothing more is lost. ")
    good = backup.newest_good(home)
    if good is not None:
        made = f", made {good.made_at}" if good.made_at else ""
        said += (f"The last good backup is {good.path}{made}. Restore it with "
                 f"`warranty-desk --home {home.root} restore {good.path}` (or a newer backup "
                 "you keep elsewhere, if you have one).")
    else:
        said += (f"No good backup was found in {backup.backups_folder(home)}: restore your last "
                 f"backup from where you keep it with `warranty-desk --home {home.root} restore "
                 "FILE`.")
    return said + " The restore keeps the damaged file beside it for support."


def refuse_damaged(home: Home, *, full: bool | None = None) -> None:
    """Raise DatabaseDamaged, in words, when the shop's database file is damaged.

    `full` walks every page whatever the file's size (soundness.problem).
    """
    found = soundness.problem(home.database, full=full)
    if found is not None:
        raise DatabaseDamaged(words(home, found))


def checked_whole_at_start(home: Home) -> bool:
    """Whether refuse_damaged at start walked every page; if not, run deep_check once ready."""
    return soundness.walks_at_start(home.database)


def deep_check(home: Home, stop: soundness.Stop | None = None) -> str | None:
    """quick_check over every page, for a file too large to walk at start: None when sound,
    else what to tell the person (the words refuse_damaged would raise).

    soundness.Interrupted when `stop` stopped it (the app closing): nothing found either way.
    """
    found = soundness.problem(home.database, full=True, stop=stop)
    return None if found is None else words(home, found)
