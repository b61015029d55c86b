"""The till's config.toml: defaults, a faithful round trip, plain refusals, and broken files."""

from __future__ import annotations

import stat
import tomllib
from dataclasses import replace

import pytest

from warranty_desk import config
from warranty_desk.config import PrinterSettings, ScannerSettings, Settings, SyncSettings
from warranty_desk.errors import BadInput
from warranty_desk.storage.home import Home


def test_a_till_without_a_config_file_gets_the_defaults_and_no_warning(home: Home) -> None:
    settings, warning = config.load(home)
    assert settings == Settings()
    assert settings.scanner.suffix == "\r\n" and settings.scanner.baudrate == 9600
    assert warning is None


def test_saved_settings_load_back_exactly_and_the_file_is_private(home: Home) -> None:
    chosen = Settings(
        theme="dark", idle_minutes=12,
        scanner=ScannerSettings(enabled=True, port="/dev/ttyUSB0", baudrate=115200, parity="E",
                                suffix="\t", wedge_min_length=6, wedge_max_gap_ms=20),
        printers=PrinterSettings(receipt='serial://COM3?baud=19200', receipt_width_mm=58,
                                 paper="Letter", document_printer='Office "A"',
                                 label_size="4x6in", label_printer="Brother QL"),
        portal_url_template="https://portal.example/w/{code}")
    config.save(home, chosen)
    assert config.load(home) == (chosen, None)
    assert stat.S_IMODE(home.config.stat().st_mode) == 0o600
    written = tomllib.loads(home.config.read_text("utf-8"))
    assert written["scanner"]["suffix"] == "TAB"
    assert written["printing"]["document_printer"] == 'Office "A"'
    assert written["printing"]["receipt_width_mm"] == 58


def test_unusable_printer_sizes_fall_back_one_by_one(home: Home) -> None:
    home.config.write_text('[printing]\nreceipt = "tcp://10.0.0.9:9100"\nreceipt_width_mm = 70\n'
                           'paper = "A3"\nlabel_size = "4x6in"\n', "utf-8")
    settings, warning = config.load(home)
    assert settings.printers == PrinterSettings(receipt="tcp://10.0.0.9:9100",
                                                label_size="4x6in")
    assert warning is not None and "58 or 80 mm" in warning and "'A3'" in warning


def test_saving_again_replaces_the_file_and_leaves_no_temporary_files(home: Home) -> None:
    config.save(home, Settings(idle_minutes=7))
    config.save(home, Settings(idle_minutes=9))
    assert config.load(home).settings.idle_minutes == 9
    assert sorted(p.name for p in home.root.iterdir() if p.is_file()) == ["config.toml"]


@pytest.mark.parametrize(("change", "words"), [
    ({"baudrate": 9601}, "scanner speed 9601"),
    ({"parity": "X"}, "N (none), E (even) or O (odd)"),
    ({"suffix": ";"}, "CR, LF, CRLF or TAB"),
    ({"enabled": True, "port": " "}, "has no port"),
    ({"wedge_max_gap_ms": 1000}, "gap between scanner keys"),
])
def test_a_bad_scanner_value_is_refused_in_plain_words_and_nothing_is_written(
    home: Home, change: dict[str, object], words: str
) -> None:
    bad = Settings(scanner=replace(ScannerSettings(), **change))  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="not saved") as caught:
        config.save(home, bad)
    assert words in str(caught.value)
    assert not home.config.exists()


def test_an_unknown_theme_and_a_portal_link_without_a_code_are_both_named(home: Home) -> None:
    with pytest.raises(BadInput) as caught:
        config.save(home, Settings(theme="neon", portal_url_template="https://p.example/"))
    assert "light or dark" in str(caught.value) and "{code}" in str(caught.value)


def test_a_damaged_file_gives_the_defaults_and_a_warning_instead_of_a_crash(home: Home) -> None:
    home.config.write_text("theme = \"dark\"\n[scanner\nport = 3\n", "utf-8")
    settings, warning = config.load(home)
    assert settings == Settings()
    assert warning is not None and "damaged" in warning and "default" in warning


def test_a_file_that_is_not_text_gives_the_defaults_and_a_warning(home: Home) -> None:
    home.config.write_bytes(b"\xff\xfe\x00garbage")
    settings, warning = config.load(home)
    assert settings == Settings() and warning is not None


def test_one_wrong_value_is_reset_alone_and_named_in_the_warning(home: Home) -> None:
    home.config.write_text(
        'theme = "dark"\nidle_minutes = true\n[scanner]\nbaudrate = 12\nparity = "E"\n'
        'suffix = "CR"\n', "utf-8")
    settings, warning = config.load(home)
    assert settings.theme == "dark" and settings.scanner.parity == "E"
    assert settings.scanner.suffix == "\r"
    assert settings.idle_minutes == 5 and settings.scanner.baudrate == 9600
    assert warning is not None
    assert "idle_minutes = True" in warning and "scanner.baudrate = 12" in warning


def test_a_scanner_switched_on_without_a_port_loads_switched_off(home: Home) -> None:
    home.config.write_text('[scanner]\nenabled = true\nport = ""\n', "utf-8")
    settings, warning = config.load(home)
    assert settings.scanner.enabled is False
    assert warning is not None and "no port" in warning


def test_control_characters_in_text_survive_the_writer(home: Home) -> None:
    odd = 'line\nbreak\x01 "quoted" back\\slash ünïcode'
    config.save(home, Settings(printers=PrinterSettings(document_printer=odd)))
    assert config.load(home).settings.printers.document_printer == odd


# --- [sync] -----------------------------------------------------------------------------------


def test_sync_settings_round_trip_and_hold_no_secret(home: Home) -> None:
    chosen = Settings(sync=SyncSettings(
        portal_url="https://portal.example.com/api/v1", branch="BR07", interval_minutes=15,
        crm="tryton", crm_url="https://crm.example.com:8000", tryton_database="shop",
        tryton_user="sync"))
    config.save(home, chosen)
    assert config.load(home) == (chosen, None)
    written = tomllib.loads(home.config.read_text("utf-8"))
    assert written["sync"]["portal_url"] == "https://portal.example.com/api/v1"
    assert not {"token", "password", "secret"} & {k.split("_")[-1] for k in written["sync"]}


def test_a_till_without_a_sync_table_has_sync_switched_off(home: Home) -> None:
    home.config.write_text('theme = "dark"\n', "utf-8")
    settings, warning = config.load(home)
    assert settings.sync == SyncSettings() and settings.sync.portal_url == ""
    assert warning is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765/api/v1", "http://localhost:9000",
                                 "http://[::1]:8080/api", "https://portal.example.com"])
def test_https_or_plain_http_to_this_computer_is_accepted(url: str) -> None:
    assert config.sync_problems(SyncSettings(portal_url=url)) == []


@pytest.mark.parametrize(("change", "words"), [
    ({"portal_url": "http://portal.example.com/api"}, "must start with https://"),
    ({"portal_url": "ftp://portal.example.com"}, "must start with https://"),
    ({"portal_url": "https://"}, "has no server name"),
    ({"portal_url": "https://user:pw@portal.example.com"}, "must not hold a user name"),
    ({"portal_url": "https://portal.example.com:99999"}, "is not a web address"),
    ({"branch": "br-1"}, "2 to 6 capital letters or digits"),
    ({"interval_minutes": 0}, "sync every 1 to 60 minutes"),
    ({"crm": "salesforce"}, "use none, webhook, tryton"),
    ({"crm": "webhook"}, "has no address"),
    ({"crm": "tryton", "crm_url": "https://crm.example.com"}, "database name and user name"),
])
def test_a_bad_sync_value_is_refused_in_plain_words(
    home: Home, change: dict[str, object], words: str
) -> None:
    bad = Settings(sync=replace(SyncSettings(), **change))  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="not saved") as caught:
        config.save(home, bad)
    assert words in str(caught.value)
    assert not home.config.exists()


def test_unusable_sync_values_fall_back_one_by_one(home: Home) -> None:
    home.config.write_text(
        '[sync]\nportal_url = "http://portal.example.com"\nbranch = "BR02"\n'
        'interval_minutes = 600\ncrm = "webhook"\ncrm_url = "https://crm.example.com/hook"\n',
        "utf-8")
    settings, warning = config.load(home)
    assert settings.sync == SyncSettings(branch="BR02", crm="webhook",
                                         crm_url="https://crm.example.com/hook")
    assert warning is not None and "https://" in warning and "1 to 60 minutes" in warning


def test_a_crm_missing_what_it_needs_loads_switched_off(home: Home) -> None:
    home.config.write_text('[sync]\ncrm = "tryton"\ncrm_url = "https://crm.example.com"\n',
                           "utf-8")
    settings, warning = config.load(home)
    assert settings.sync.crm == "none" and settings.sync.crm_url == "https://crm.example.com"
    assert warning is not None and "database name and user name" in warning


def test_a_sync_value_of_the_wrong_type_is_reset_alone(home: Home) -> None:
    home.config.write_text('[sync]\ninterval_minutes = "5"\nbranch = "BR03"\n', "utf-8")
    settings, warning = config.load(home)
    assert settings.sync == SyncSettings(branch="BR03")
    assert warning is not None and "sync.interval_minutes = '5'" in warning


# --- Comments people write in config.toml ---------------------------------------------------

KEPT = '''\
# Till 2, by the returns desk. Ask Kim before changing anything here.
theme = "light"
idle_minutes = 5  # the owner wants a short lock
portal_url_template = ""

[scanner]
enabled = true
port = "/dev/ttyUSB0"  # the grey Honeywell
baudrate = 9600
# The old scanner needed odd parity; this one does not.
parity = "N"
suffix = "CRLF"
wedge_min_length = 4
wedge_max_gap_ms = 35

# Printers: the receipt printer is on the shelf under the till.
[printing]
receipt = "tcp://10.0.0.9:9100"
'''


def test_comments_people_wrote_stay_where_they_were_when_settings_are_saved(
    home: Home,
) -> None:
    home.config.write_text(KEPT, "utf-8")
    loaded = config.load(home).settings
    config.save(home, replace(loaded, idle_minutes=9, scanner=replace(loaded.scanner,
                                                                      baudrate=19200)))
    text = home.config.read_text("utf-8")
    assert text.startswith("# Till 2, by the returns desk. Ask Kim before changing anything "
                           "here.\ntheme = \"light\"\n")
    assert 'idle_minutes = 9  # the owner wants a short lock\n' in text
    assert 'port = "/dev/ttyUSB0"  # the grey Honeywell\nbaudrate = 19200\n' in text
    assert "# The old scanner needed odd parity; this one does not.\nparity = \"N\"\n" in text
    # Settings the file lacked go inside their table, above the comment about the next one.
    assert ('wedge_max_gap_ms = 35\n\n# Printers: the receipt printer is on the shelf under '
            'the till.\n[printing]\nreceipt = "tcp://10.0.0.9:9100"\nreceipt_width_mm = 80\n'
            ) in text
    assert config.load(home) == (replace(loaded, idle_minutes=9, scanner=replace(
        loaded.scanner, baudrate=19200)), None)


def test_a_file_that_cannot_be_read_as_toml_is_written_anew(home: Home) -> None:
    home.config.write_text("theme = [\n# half a file", "utf-8")
    config.save(home, Settings(theme="dark"))
    assert home.config.read_text("utf-8") == config.to_toml(Settings(theme="dark"))
    assert config.load(home) == (Settings(theme="dark"), None)


def test_a_table_that_is_not_a_table_is_replaced(home: Home) -> None:
    home.config.write_text('scanner = "usb"\n', "utf-8")
    config.save(home, Settings())
    assert config.load(home) == (Settings(), None)
