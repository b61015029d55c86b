"""Sync tokens and passwords: in the OS keyring, or an owner-only file where there is none."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from warranty_desk.redaction import remember
from warranty_desk.storage.home import Home
from warranty_desk.storage.private import write_json

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "warranty-desk"
PORTAL_TOKEN = "portal_token"
WEBHOOK_SECRET = "webhook_secret"
TRYTON_PASSWORD = "tryton_password"
SMTP_PASSWORD = "smtp_password"
SMS_TOKEN = "sms_token"
# The fallback file's name under the home folder; never inside config.toml, which people share.
FILE_NAME = "secrets.json"
_NAME = re.compile(r"[a-z0-9_.-]{1,64}")


class Secret(str):
    """A secret's text that never shows itself in a repr, a dataclass repr or a traceback dump."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('********')"


def _check(name: str) -> None:
    if _NAME.fullmatch(name) is None:
        raise ValueError(f"{name!r} is not a secret name (lowercase letters, digits, _ . -)")


def _account(home: Home, name: str) -> str:
    # One computer may hold several homes (a training copy beside the shop's); each keeps its own.
    return f"{home.root.resolve()}:{name}"


def _keyring() -> KeyringBackend | None:
    """The OS keyring, or None where none works (a headless machine, a locked-down desktop)."""
    # Loaded on first use: keyring costs a tenth of a second, and the app's start needs none.
    import keyring
    from keyring.backends import chainer, fail, null

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def _keyring_error() -> type[Exception]:
    from keyring.errors import KeyringError

    return KeyringError


def _file(home: Home) -> Path:
    return home.root / FILE_NAME


def _read_file(home: Home) -> dict[str, str]:
    path = _file(home)
    try:
        mode = path.stat().st_mode
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    if os.name != "nt" and stat.S_IMODE(mode) & 0o077:
        # Someone loosened it (a copy, a restore): close it again rather than refuse to sync.
        log.warning("%s was readable by other users; it is now readable by its owner only.",
                    path)
        path.chmod(0o600)
    try:
        data = json.loads(text)
    except ValueError:
        log.warning("%s is damaged; the sync secrets in it are lost. Enter them again under "
                    "Settings > Sync.", path)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def _write_file(home: Home, data: dict[str, str]) -> None:
    path = _file(home)
    if not data:
        path.unlink(missing_ok=True)
        return
    home.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_json(path, data)


def where(home: Home) -> str:
    """Where secrets of this home are kept now, in words for the settings screen."""
    backend = _keyring()
    if backend is None:
        return f"a file readable only by you ({_file(home)})"
    return f"the system keyring ({type(backend).__name__})"


def get_secret(home: Home, name: str) -> Secret | None:
    """The secret, or None when it was never set."""
    _check(name)
    backend = _keyring()
    if backend is not None:
        try:
            value = backend.get_password(SERVICE, _account(home, name))
        except _keyring_error() as exc:
            log.warning("The system keyring could not be read (%s); trying the secrets file.",
                        type(exc).__name__)
        else:
            if value is not None:
                remember(value)
                return Secret(value)
    value = _read_file(home).get(name)
    remember(value)
    return Secret(value) if value is not None else None


def set_secret(home: Home, name: str, value: str) -> None:
    """Keep a secret: in the keyring when one works, else in the owner-only file."""
    _check(name)
    if not value:
        raise ValueError("An empty secret cannot be kept; use delete_secret to remove one.")
    remember(value)
    backend = _keyring()
    if backend is not None:
        try:
            backend.set_password(SERVICE, _account(home, name), value)
        except _keyring_error() as exc:
            log.warning("The system keyring refused the secret %s (%s); keeping it in a file "
                        "readable only by you.", name, type(exc).__name__)
        else:
            _forget_in_file(home, name)  # no older copy left on disk
            return
    data = _read_file(home)
    data[name] = value
    _write_file(home, data)


def delete_secret(home: Home, name: str) -> None:
    """Forget a secret everywhere it may be kept; forgetting one never set is fine."""
    _check(name)
    backend = _keyring()
    if backend is not None:
        # Not there (PasswordDeleteError) or unreadable: the file copy is still cleared.
        with contextlib.suppress(_keyring_error()):
            backend.delete_password(SERVICE, _account(home, name))
    _forget_in_file(home, name)


def _forget_in_file(home: Home, name: str) -> None:
    data = _read_file(home)
    if name in data:
        del data[name]
        _write_file(home, data)
