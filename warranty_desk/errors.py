"""Known errors: each carries a plain-words message the person at the counter can act on."""

from __future__ import annotations


class WarrantyDeskError(Exception):
    """A known problem; its message says what was wrong and what to do."""

    exit_code = 1


class BadInput(WarrantyDeskError):
    """Input from a person, scanner, file or the network was wrong."""

    exit_code = 2


class NotFound(WarrantyDeskError):
    """The record asked for does not exist."""

    exit_code = 1


class PermissionDenied(WarrantyDeskError):
    """The signed-in role may not do this."""

    exit_code = 1


class RuleBlocked(WarrantyDeskError):
    """A warranty rule refuses the change; a manager may be able to override it."""

    exit_code = 1

    def __init__(self, message: str, *, overridable: bool = False, codes: tuple[str, ...] = (),
                 reasons: tuple[str, ...] = ()):
        super().__init__(message)
        self.overridable = overridable
        self.codes = codes
        # Each rule's own words, for a screen that already says which change was refused.
        self.reasons = reasons


class AccountLocked(WarrantyDeskError):
    """Too many wrong PINs: the account is locked for a while."""

    exit_code = 1


class DeviceUnavailable(WarrantyDeskError):
    """A printer or scanner is off, unplugged, out of paper or unreachable; the work waits."""

    exit_code = 1


class DatabaseInUse(WarrantyDeskError):
    """Another program holds the shop's database open, so it cannot be replaced now."""

    exit_code = 1


class DiskFull(WarrantyDeskError):
    """The disk holding the shop's database is full: the change was not saved."""

    exit_code = 1


class DatabaseDamaged(WarrantyDeskError):
    """The shop's database file is damaged: nothing writes to it until a backup is restored."""

    exit_code = 1
