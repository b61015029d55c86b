"""Sync secrets: the OS keyring when one works, else an owner-only file; never shown or logged."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail
from keyring.errors import KeyringError, PasswordDeleteError, PasswordSetError

from sync import secrets
from sync.secrets import (
    PORTAL_TOKEN,
    TRYTON_PASSWORD,
    Secret,
    delete_secret,
    get_secret,
    set_secret,
)
from warranty_desk.storage.home import Home

# A damaged or loosened secrets file and a refusing keyring are logged as warnings: these tests
# cause them.
pytestmark = pytest.mark.logs(
    r"secrets\.json (is damaged|was readable by other users)",
    r"^The system keyring (could not be read|refused)",
)

TOKEN = "tok-3f9a1c-very-secret"


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict, standing in for the desktop's."""

    priority = 1
    # keyring discovers every backend class; this one is only ever chosen by set_keyring.
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError("not there")
        del self.entries[(service, username)]


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses to store (a locked login keyring)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("locked")


def use(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    before = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def memory() -> Iterator[KeyringBackend]:
    yield from use(MemoryKeyring())


@pytest.fixture
def no_keyring() -> Iterator[KeyringBackend]:
    yield from use(fail.Keyring())


def files(home: Home) -> list[str]:
    return sorted(p.name for p in home.root.iterdir() if p.is_file())


def test_without_a_keyring_the_secret_goes_to_an_owner_only_file(
    home: Home, no_keyring: KeyringBackend
) -> None:
    set_secret(home, PORTAL_TOKEN, TOKEN)
    path = home.root / secrets.FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert files(home) == [secrets.FILE_NAME]  # no temporary file left behind
    assert get_secret(home, PORTAL_TOKEN) == TOKEN
    assert "a file readable only by you" in secrets.where(home)


def test_a_second_secret_keeps_the_first_and_deleting_one_keeps_the_other(
    home: Home, no_keyring: KeyringBackend
) -> None:
    set_secret(home, PORTAL_TOKEN, TOKEN)
    set_secret(home, TRYTON_PASSWORD, "pw")
    delete_secret(home, PORTAL_TOKEN)
    assert get_secret(home, PORTAL_TOKEN) is None
    assert get_secret(home, TRYTON_PASSWORD) == "pw"
    delete_secret(home, TRYTON_PASSWORD)
    assert files(home) == []
    delete_secret(home, TRYTON_PASSWORD)  # forgetting twice is fine


def test_a_loosened_secrets_file_is_closed_again_when_read(
    home: Home, no_keyring: KeyringBackend
) -> None:
    set_secret(home, PORTAL_TOKEN, TOKEN)
    path = home.root / secrets.FILE_NAME
    path.chmod(0o644)
    assert get_secret(home, PORTAL_TOKEN) == TOKEN
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_secrets_file_reads_as_no_secret(
    home: Home, no_keyring: KeyringBackend
) -> None:
    (home.root / secrets.FILE_NAME).write_text("{not json", "utf-8")
    assert get_secret(home, PORTAL_TOKEN) is None


def test_with_a_keyring_the_secret_is_kept_there_per_home_and_not_on_disk(
    home: Home, memory: MemoryKeyring, tmp_path: Path
) -> None:
    other = Home(tmp_path / "training").ensure()
    set_secret(home, PORTAL_TOKEN, TOKEN)
    set_secret(other, PORTAL_TOKEN, "training-token")
    assert get_secret(home, PORTAL_TOKEN) == TOKEN
    assert get_secret(other, PORTAL_TOKEN) == "training-token"
    assert files(home) == []
    account = f"{home.root.resolve()}:{PORTAL_TOKEN}"
    assert memory.entries[(secrets.SERVICE, account)] == TOKEN
    delete_secret(home, PORTAL_TOKEN)
    assert get_secret(home, PORTAL_TOKEN) is None
    assert get_secret(other, PORTAL_TOKEN) == "training-token"


def test_a_file_copy_from_before_the_keyring_is_read_then_replaced(
    home: Home, tmp_path: Path
) -> None:
    for _ in use(fail.Keyring()):
        set_secret(home, PORTAL_TOKEN, "old-token")
    for _ in use(MemoryKeyring()):
        assert get_secret(home, PORTAL_TOKEN) == "old-token"
        set_secret(home, PORTAL_TOKEN, TOKEN)
        assert files(home) == []
        assert get_secret(home, PORTAL_TOKEN) == TOKEN


def test_a_keyring_that_refuses_falls_back_to_the_file(home: Home) -> None:
    for _ in use(LockedKeyring()):
        set_secret(home, PORTAL_TOKEN, TOKEN)
        assert get_secret(home, PORTAL_TOKEN) == TOKEN
    assert files(home) == [secrets.FILE_NAME]


def test_a_chainer_with_nothing_to_chain_counts_as_no_keyring(home: Home) -> None:
    backend = chainer.ChainerBackend()
    if backend.backends:
        pytest.skip("this machine has a real keyring to chain")
    for _ in use(backend):
        set_secret(home, PORTAL_TOKEN, TOKEN)
    assert files(home) == [secrets.FILE_NAME]


def test_a_secret_never_shows_in_a_repr_or_the_log(
    home: Home, caplog: pytest.LogCaptureFixture
) -> None:
    @dataclass
    class Holder:
        token: str

    caplog.set_level(logging.DEBUG)
    for _ in use(LockedKeyring()):
        set_secret(home, PORTAL_TOKEN, TOKEN)
        secret = get_secret(home, PORTAL_TOKEN)
    assert isinstance(secret, Secret) and secret == TOKEN and f"Bearer {secret}".endswith(TOKEN)
    assert TOKEN not in repr(secret) and TOKEN not in repr(Holder(secret))
    assert caplog.records and all(TOKEN not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("name", ["", "../x", "Portal Token", "a" * 65])
def test_a_name_that_is_not_a_secret_name_is_refused(
    home: Home, no_keyring: KeyringBackend, name: str
) -> None:
    with pytest.raises(ValueError, match="not a secret name"):
        set_secret(home, name, TOKEN)


def test_an_empty_secret_is_refused(home: Home, no_keyring: KeyringBackend) -> None:
    with pytest.raises(ValueError, match="delete_secret"):
        set_secret(home, PORTAL_TOKEN, "")


def test_a_keyring_error_on_reading_still_finds_the_file_copy(home: Home) -> None:
    class Unreadable(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringError("dbus gone")

    for _ in use(fail.Keyring()):
        set_secret(home, PORTAL_TOKEN, TOKEN)
    for _ in use(Unreadable()):
        assert get_secret(home, PORTAL_TOKEN) == TOKEN
