"""Device and app settings for one till, kept in `<home>/config.toml`."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from warranty_desk.errors import BadInput
from warranty_desk.mail_settings import mail_problems, whole_mail
from warranty_desk.sms_settings import sms_problems, whole_sms
from warranty_desk.storage.home import Home

THEMES = ("light", "dark")
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
PARITIES: dict[str, str] = {"N": "none", "E": "even", "O": "odd"}
# The file names the scanner's end-of-scan suffix; the settings hold the characters themselves.
SUFFIXES: dict[str, str] = {"CR": "\r", "LF": "\n", "CRLF": "\r\n", "TAB": "\t"}
# Below a few minutes staff lock themselves out mid-sale; above four hours the lock is no lock.
IDLE_MINUTES_RANGE = (1, 240)
# People type at most ~15 keys a second (~65 ms apart); scanners send a key every few ms.
WEDGE_GAP_RANGE_MS = (5, 200)
WEDGE_LENGTH_RANGE = (2, 64)
RECEIPT_WIDTHS_MM = (58, 80)
PAPERS = ("A4", "Letter", "A5")
LABEL_SIZES = ("62x29mm", "4x6in")
# Below a minute the till hammers the portal; above an hour online claims wait too long to reach
# the counter.
SYNC_INTERVAL_RANGE = (1, 60)
CRM_KINDS = ("none", "webhook", "tryton")
# Plain http is only for a portal on this machine (tests, a local proxy); anything else is TLS.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_BRANCH = re.compile(r"[A-Z0-9]{2,6}")
# Days the nightly backups are kept (`warranty-desk backup --nightly`); the newest always stays.
KEEP_DAYS_RANGE = (1, 3650)

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ScannerSettings:
    """The barcode scanner: a serial port reader, or keyboard-wedge detection thresholds."""

    enabled: bool = False
    port: str = ""
    baudrate: int = 9600
    parity: str = "N"
    suffix: str = "\r\n"
    wedge_min_length: int = 4
    wedge_max_gap_ms: int = 35


@dataclass(frozen=True, slots=True)
class PrinterSettings:
    """Where this till's paper goes: a receipt printer, and the system printers for PDFs."""

    # serial://PORT?baud=N, tcp://HOST:PORT or a device path; empty means no receipt printer.
    receipt: str = ""
    receipt_width_mm: int = 80
    # Certificates, tickets and reports; empty printer names mean the system's default printer.
    paper: str = "A4"
    document_printer: str = ""
    label_size: str = "62x29mm"
    label_printer: str = ""


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """Where this till sends its records; the tokens and passwords live in sync's secret store."""

    # The portal's API root, e.g. https://portal.example.com/api/v1; empty means no sync.
    portal_url: str = ""
    # Empty means the shop's own branch code; set only when head office knows the till by another.
    branch: str = ""
    interval_minutes: int = 5
    crm: str = "none"
    crm_url: str = ""
    tryton_database: str = ""
    tryton_user: str = ""
    # A private certificate authority's bundle (.pem) that head office's certificate is signed
    # by; empty means the system's trusted authorities. Verification is never switched off.
    ca_bundle: str = ""
    # Who emails the customers; the SMTP password lives in the secret store (smtp_password).
    messages: str = "head_office"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_tls: str = "starttls"
    smtp_user: str = ""
    mail_from: str = ""
    # The till's SMS gateway (warranty_desk/sms_gateway.py), "" for none; token: sms_token.
    sms_url: str = ""
    sms_sender: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything this till keeps outside the shared database."""

    theme: str = "light"
    idle_minutes: int = 5
    scanner: ScannerSettings = field(default_factory=ScannerSettings)
    printers: PrinterSettings = field(default_factory=PrinterSettings)
    portal_url_template: str = ""
    sync: SyncSettings = field(default_factory=SyncSettings)
    backup_keep_days: int = 14


_Section = TypeVar("_Section", PrinterSettings, SyncSettings)


class Loaded(NamedTuple):
    """The settings read, and a plain warning when the file could not be used as it is."""

    settings: Settings
    warning: str | None


def suffix_name(suffix: str) -> str:
    """CR, LF, CRLF or TAB for the suffix characters (the characters themselves if unknown)."""
    return next((name for name, chars in SUFFIXES.items() if chars == suffix), suffix)


def problems(settings: Settings) -> list[str]:
    """Every reason these settings cannot be used, in plain words; empty when they are fine."""
    found: list[str] = []
    if settings.theme not in THEMES:
        found.append(f"the theme {settings.theme!r} is unknown: pick light or dark")
    low, high = IDLE_MINUTES_RANGE
    if not low <= settings.idle_minutes <= high:
        found.append(f"lock after idle must be {low} to {high} minutes")
    scanner = settings.scanner
    if scanner.baudrate not in BAUD_RATES:
        found.append(f"the scanner speed {scanner.baudrate} is not one scanners use: pick one "
                     f"of {', '.join(map(str, BAUD_RATES))} (most scanners use 9600)")
    if scanner.parity not in PARITIES:
        found.append(f"the scanner parity {scanner.parity!r} is unknown: use N (none), "
                     "E (even) or O (odd)")
    if scanner.suffix not in SUFFIXES.values():
        found.append(f"the scanner suffix {scanner.suffix!r} is unknown: use CR, LF, CRLF or "
                     "TAB, as set in the scanner's manual")
    if scanner.enabled and not scanner.port.strip():
        found.append("the serial scanner is switched on but has no port: pick its port")
    low, high = WEDGE_LENGTH_RANGE
    if not low <= scanner.wedge_min_length <= high:
        found.append(f"the shortest scan must be {low} to {high} characters")
    low, high = WEDGE_GAP_RANGE_MS
    if not low <= scanner.wedge_max_gap_ms <= high:
        found.append(f"the gap between scanner keys must be {low} to {high} ms")
    printers = settings.printers
    if printers.receipt_width_mm not in RECEIPT_WIDTHS_MM:
        found.append(f"receipt paper is 58 or 80 mm wide, not {printers.receipt_width_mm}")
    if printers.paper not in PAPERS:
        found.append(f"the paper size {printers.paper!r} is unknown: use {', '.join(PAPERS)}")
    if printers.label_size not in LABEL_SIZES:
        found.append(f"the label size {printers.label_size!r} is unknown: use "
                     f"{' or '.join(LABEL_SIZES)}")
    template = settings.portal_url_template
    if template and not (template.startswith(("https://", "http://")) and "{code}" in template):
        found.append("the portal link must start with https:// and contain {code} where the "
                     "warranty code goes")
    if not KEEP_DAYS_RANGE[0] <= settings.backup_keep_days <= KEEP_DAYS_RANGE[1]:
        found.append(f"nightly backups are kept {KEEP_DAYS_RANGE[0]} to {KEEP_DAYS_RANGE[1]} "
                     "days")
    return found + sync_problems(settings.sync)


def address_problem(url: str, what: str) -> str | None:
    """Why a sync address cannot be used (https, or http on this machine only), or None."""
    try:
        parts = urlsplit(url.strip())
        # Looked at before anything that quotes the address: a password in it is never repeated.
        if parts.username is not None or parts.password is not None:
            return (f"the {what} must not hold a user name or password; keep the token or "
                    "password in the sync settings' secret fields")
        host = parts.hostname
        _ = parts.port  # a port that is not a number in range raises here
    except ValueError:
        return f"the {what} {url!r} is not a web address: use https://host/path"
    if parts.scheme in ("http", "https") and not host:
        return f"the {what} {url!r} has no server name: use https://host/path"
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    return (f"the {what} must start with https:// (plain http:// only to this computer, "
            "127.0.0.1 or localhost)")


def ca_bundle_problem(path: str) -> str | None:
    """Why a certificate bundle cannot be used (missing, unreadable, not PEM), or None."""
    try:
        head = Path(path).expanduser().read_bytes()[:1_000_000]
    except OSError:
        return (f"the certificate bundle {path!r} cannot be read: give the full path of the "
                "head office's CA file (.pem)")
    if b"-----BEGIN CERTIFICATE-----" not in head:
        return (f"the certificate bundle {path!r} holds no certificate: it must be a .pem "
                "file with -----BEGIN CERTIFICATE----- in it")
    return None


def sync_problems(sync: SyncSettings) -> list[str]:
    """Every reason the [sync] settings cannot be used, in plain words."""
    found: list[str] = []
    if sync.portal_url:
        problem = address_problem(sync.portal_url, "portal address")
        if problem:
            found.append(problem)
    if sync.branch and _BRANCH.fullmatch(sync.branch) is None:
        found.append(f"the sync branch code {sync.branch!r} must be 2 to 6 capital letters or "
                     "digits, or empty to use the shop's own code")
    low, high = SYNC_INTERVAL_RANGE
    if not low <= sync.interval_minutes <= high:
        found.append(f"sync every {low} to {high} minutes")
    if sync.crm not in CRM_KINDS:
        found.append(f"the CRM kind {sync.crm!r} is unknown: use {', '.join(CRM_KINDS)}")
    elif sync.crm != "none" and not sync.crm_url:
        found.append(f"the CRM is set to {sync.crm} but has no address: type its address")
    if sync.crm_url:
        problem = address_problem(sync.crm_url, "CRM address")
        if problem:
            found.append(problem)
    if sync.ca_bundle:
        problem = ca_bundle_problem(sync.ca_bundle)
        if problem:
            found.append(problem)
    if sync.crm == "tryton" and not (sync.tryton_database and sync.tryton_user):
        found.append("the Tryton CRM needs its database name and user name")
    return found + mail_problems(sync, LOOPBACK_HOSTS) + sms_problems(sync, address_problem)


def load(home: Home) -> Loaded:
    """The till's settings; a missing file gives the defaults, a broken one defaults and a warning.

    Values that cannot be used fall back one by one, so one typo does not undo the rest.
    """
    path = home.config
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(Settings(), None)
    except OSError as exc:
        return Loaded(Settings(), f"Could not read {path} ({exc.strerror}); using the default "
                                  "settings. Save the settings again to replace it.")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Loaded(Settings(), f"{path} is damaged ({exc}); using the default settings. "
                                  "Save the settings again to replace it.")
    settings, bad = _from_dict(data)
    if bad:
        return Loaded(settings, f"Some settings in {path} could not be used and were reset: "
                                f"{'; '.join(bad)}. Save the settings again to fix the file.")
    return Loaded(settings, None)


def save(home: Home, settings: Settings) -> None:
    """Check and write the settings atomically, readable by this user only.

    The file as it is gets the new values: comments and anything else people wrote in it stay
    where they were. A file that cannot be read as TOML is written anew.
    """
    found = problems(settings)
    if found:
        raise BadInput("The settings were not saved: " + "; ".join(found) + ".")
    home.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    from warranty_desk.config_toml import kept_with

    text = kept_with(home.config, settings)
    # Written beside the target and renamed over it, so a crash never leaves half a file.
    fd, temp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=home.root)
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, home.config)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def to_toml(settings: Settings) -> str:
    """The settings as TOML text: top-level values, then [scanner], [printing] and [sync]."""
    from warranty_desk.config_toml import fresh_with

    return fresh_with(settings)


# --- Reading back, value by value -------------------------------------------------------------


def _from_dict(data: Mapping[str, Any]) -> tuple[Settings, list[str]]:
    bad: list[str] = []
    defaults = Settings()
    settings = replace(
        defaults,
        theme=_pick(data, "theme", str, defaults.theme, bad, lambda v: v in THEMES),
        idle_minutes=_pick(data, "idle_minutes", int, defaults.idle_minutes, bad,
                           lambda v: IDLE_MINUTES_RANGE[0] <= v <= IDLE_MINUTES_RANGE[1]),
        portal_url_template=_pick(data, "portal_url_template", str,
                                  defaults.portal_url_template, bad),
        scanner=_scanner(data.get("scanner", {}), bad),
        printers=_section(data.get("printing", {}), PrinterSettings, "printing", bad),
        sync=_section(data.get("sync", {}), SyncSettings, "sync", bad),
        backup_keep_days=_pick(data, "backup_keep_days", int, defaults.backup_keep_days, bad,
                               lambda v: KEEP_DAYS_RANGE[0] <= v <= KEEP_DAYS_RANGE[1]),
    )
    # Anything left that the checks refuse goes back to its default too.
    for problem in problems(settings):
        bad.append(problem)
        if "portal link" in problem:
            settings = replace(settings, portal_url_template="")
        elif problem.startswith(("receipt paper", "the paper size", "the label size")):
            settings = replace(settings, printers=_fix_printers(settings.printers))
        elif "switched on but has no port" in problem:
            settings = replace(settings, scanner=replace(settings.scanner, enabled=False))
    if sync_problems(settings.sync):
        settings = replace(settings, sync=_fix_sync(settings.sync))
    return settings, bad


def _scanner(table: object, bad: list[str]) -> ScannerSettings:
    default = ScannerSettings()
    if not isinstance(table, dict):
        bad.append("[scanner] is not a table")
        return default
    suffix = _pick(table, "suffix", str, suffix_name(default.suffix), bad,
                   lambda v: v in SUFFIXES or v in SUFFIXES.values(), "scanner.")
    return ScannerSettings(
        enabled=_pick(table, "enabled", bool, default.enabled, bad, prefix="scanner."),
        port=_pick(table, "port", str, default.port, bad, prefix="scanner."),
        baudrate=_pick(table, "baudrate", int, default.baudrate, bad,
                       lambda v: v in BAUD_RATES, "scanner."),
        parity=_pick(table, "parity", str, default.parity, bad,
                     lambda v: v in PARITIES, "scanner."),
        suffix=SUFFIXES.get(suffix, suffix),
        wedge_min_length=_pick(table, "wedge_min_length", int, default.wedge_min_length, bad,
                               lambda v: WEDGE_LENGTH_RANGE[0] <= v <= WEDGE_LENGTH_RANGE[1],
                               "scanner."),
        wedge_max_gap_ms=_pick(table, "wedge_max_gap_ms", int, default.wedge_max_gap_ms, bad,
                               lambda v: WEDGE_GAP_RANGE_MS[0] <= v <= WEDGE_GAP_RANGE_MS[1],
                               "scanner."),
    )


def _fix_printers(printers: PrinterSettings) -> PrinterSettings:
    default = PrinterSettings()
    return replace(
        printers,
        receipt_width_mm=(printers.receipt_width_mm
                          if printers.receipt_width_mm in RECEIPT_WIDTHS_MM
                          else default.receipt_width_mm),
        paper=printers.paper if printers.paper in PAPERS else default.paper,
        label_size=printers.label_size if printers.label_size in LABEL_SIZES
        else default.label_size)


def _section(table: object, kind: type[_Section], name: str, bad: list[str]) -> _Section:
    """[printing] or [sync] value by value, each checked for its default's type."""
    default = kind()
    if not isinstance(table, dict):
        bad.append(f"[{name}] is not a table")
        return default
    values: dict[str, Any] = {}
    for item in fields(kind):
        fallback = getattr(default, item.name)
        values[item.name] = _pick(table, item.name, type(fallback), fallback, bad,
                                  prefix=f"{name}.")
    return kind(**values)


def _fix_sync(sync: SyncSettings) -> SyncSettings:
    # Each unusable value goes back to its default alone; a CRM missing what it needs is switched
    # off, like a scanner without a port, rather than left half set up.
    default = SyncSettings()
    fixed = sync
    if sync.portal_url and address_problem(sync.portal_url, "portal address"):
        fixed = replace(fixed, portal_url=default.portal_url)
    if sync.branch and _BRANCH.fullmatch(sync.branch) is None:
        fixed = replace(fixed, branch=default.branch)
    if not SYNC_INTERVAL_RANGE[0] <= sync.interval_minutes <= SYNC_INTERVAL_RANGE[1]:
        fixed = replace(fixed, interval_minutes=default.interval_minutes)
    if sync.crm_url and address_problem(sync.crm_url, "CRM address"):
        fixed = replace(fixed, crm_url=default.crm_url)
    if sync.ca_bundle and ca_bundle_problem(sync.ca_bundle):
        fixed = replace(fixed, ca_bundle=default.ca_bundle)
    fixed = whole_sms(whole_mail(fixed, LOOPBACK_HOSTS), address_problem)
    if sync_problems(fixed):
        fixed = replace(fixed, crm=default.crm)
    return fixed


def _pick(table: Mapping[str, Any], key: str, kind: type[_T], default: _T, bad: list[str],
             check: Callable[[_T], bool] | None = None, prefix: str = "") -> _T:
    if key not in table:
        return default
    value = table[key]
    # bool is an int in Python, but `idle_minutes = true` is a mistake, not 1 minute.
    right_type = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if not right_type or (check is not None and not check(value)):
        bad.append(f"{prefix}{key} = {value!r} (reset to {default!r})")
        return default
    return value  # type: ignore[no-any-return]
