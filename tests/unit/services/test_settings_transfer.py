"""Settings export and import: a second branch set up from the first gets the same configuration,
keeps its own identity, never sees a secret, and a bad file changes nothing and says why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sync import secrets
from tests.conftest import TODAY, actor, sqlite_file
from warranty_desk import cli, config, settings_file
from warranty_desk.clock import FixedClock
from warranty_desk.permissions import Role
from warranty_desk.services import settings_transfer as transfer
from warranty_desk.services import setup, shop_settings, staff, supplier_terms
from warranty_desk.settings_file import SettingsRejected
from warranty_desk.storage.database import Database
from warranty_desk.storage.home import Home

OWNER = actor(Role.OWNER)
SECRETS = {secrets.PORTAL_TOKEN: "tok-7f3a9c-portal-SECRET", secrets.WEBHOOK_SECRET:
           "whsec-41b2-SECRET", secrets.SMTP_PASSWORD: "smtp-pass-SECRET-9",
           secrets.SMS_TOKEN: "sms-tok-SECRET-3", secrets.TRYTON_PASSWORD: "tryton-SECRET-5"}
PIN = "482615"


@pytest.fixture
def first(shop: Database, home: Home) -> Database:
    """The first branch, set up in full: shop details, till settings, secrets, terms, staff."""
    view = shop_settings.get_shop(shop)
    shop_settings.update_shop(shop, OWNER, shop_settings.ShopUpdate(
        name="Volt Electronics", branch_name="High Street", address="1 High Street, Leeds",
        phone="0113 496 0000", email="leeds@volt.example", currency="GBP", locale="en_GB",
        timezone="Europe/London", portal_url_template="https://portal.volt.example/w/{code}",
        reminder_days=21, follow_up_open_days=10))
    assert view.branch_code == "BR01"
    supplier_terms.set_settlement_limit(shop, OWNER, 2_500)
    supplier_terms.set_terms(shop, OWNER, supplier_terms.TermsInput(
        "Lumen UK", frozenset({"parts", "labour"}), "claim", 400, 10, "generic", "Lumen Leeds"))
    settings = config.Settings(
        theme="dark", idle_minutes=12, backup_keep_days=30,
        scanner=config.ScannerSettings(enabled=True, port="/dev/ttyUSB0", suffix="\r"),
        printers=config.PrinterSettings(receipt="tcp://10.0.0.9:9100", receipt_width_mm=58),
        sync=config.SyncSettings(portal_url="https://portal.volt.example/api/v1",
                                 branch="LEEDS", crm="webhook",
                                 crm_url="https://crm.volt.example/hook", messages="smtp",
                                 smtp_host="smtp.volt.example", smtp_user="till",
                                 mail_from="repairs@volt.example"))
    config.save(home, settings)
    for name, value in SECRETS.items():
        secrets.set_secret(home, name, value)
    staff.create_staff(shop, OWNER, "Dana Patel", Role.MANAGER, PIN)
    return shop


@pytest.fixture
def second(tmp_path: Path) -> Iterator[tuple[Database, Home]]:
    """A fresh second branch, BR02, as `init` leaves it."""
    home = Home(tmp_path / "second").ensure()
    db, _ = setup.init(home, setup.ShopInput(name="New shop", branch_code="BR02",
                                             branch_name="Station Road"),
                       clock=FixedClock.on(TODAY))
    yield db, home
    db.dispose()


def _export(db: Database, home: Home, path: Path) -> Path:
    """Export as Settings and the command do: the checked gather, then the file."""
    return settings_file.write(path, transfer.gather(db, OWNER, home))


def _configuration(db: Database, home: Home) -> dict[str, Any]:
    """What must be equal across branches: all but the branch identity and the export time."""
    data = transfer.gather(db, OWNER, home)
    return {k: v for k, v in data.items() if k not in ("branch", "exported_at")}


@pytest.mark.parametrize("name", ["volt.json", "volt.toml"])
def test_a_second_branch_set_up_from_the_first_has_the_same_configuration(
        first: Database, home: Home, second: tuple[Database, Home], tmp_path: Path,
        name: str) -> None:
    db2, home2 = second
    path = _export(first, home, tmp_path / name)
    report = transfer.import_settings(db2, OWNER, home2, path)
    assert _configuration(db2, home2) == _configuration(first, home)
    assert (report.policies_added, report.plans_added, report.supplier_terms) == (2, 2, 1)
    # Its own identity stays, and the import says so.
    mine = shop_settings.get_shop(db2)
    assert (mine.branch_code, mine.branch_name, mine.address) == ("BR02", "Station Road", "")
    assert config.load(home2).settings.sync.branch == ""  # not LEEDS
    said = transfer.kept_words(report)
    assert "its code BR02 (the file came from BR01)" in said
    # Importing the same file again changes nothing more and still succeeds.
    again = transfer.import_settings(db2, OWNER, home2, path)
    assert (again.policies_added, again.policies_updated, again.plans_added) == (0, 2, 0)
    assert _configuration(db2, home2) == _configuration(first, home)


def test_no_secret_is_ever_in_the_file(first: Database, home: Home, tmp_path: Path) -> None:
    for name in ("s.json", "s.toml"):
        text = _export(first, home, tmp_path / name).read_text("utf-8")
        with sqlite_file(first.path) as connection:
            hashes = [str(r[0]) for r in connection.execute("SELECT pin_hash FROM staff")]
        assert hashes and all(len(h) > 20 for h in hashes)
        for secret in [*SECRETS.values(), *hashes, PIN]:
            assert secret not in text
        assert "$argon2" not in text and "Dana Patel" not in text  # no staff at all
        lowered = text.lower()
        assert not any(word in lowered for word in ("token", "password", "secret", "pin_"))
        # ...while the rest of the configuration is there.
        assert "smtp.volt.example" in text and "Electronics 12+12" in text


def _exported(first: Database, home: Home, tmp_path: Path) -> dict[str, Any]:
    path = _export(first, home, tmp_path / "good.json")
    return dict(json.loads(path.read_text("utf-8")))


def _import_refused(db2: Database, home2: Home, path: Path) -> tuple[str, ...]:
    before = _configuration(db2, home2), home2.config.exists()
    with pytest.raises(SettingsRejected) as refused:
        transfer.import_settings(db2, OWNER, home2, path)
    assert str(refused.value).startswith(f"Nothing was imported from {path.name}: ")
    assert "Nothing was changed." in str(refused.value)
    assert (_configuration(db2, home2), home2.config.exists()) == before  # nothing at all
    return refused.value.problems


def _write(tmp_path: Path, data: dict[str, Any], name: str = "bad.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_a_file_of_another_version_is_refused(
        first: Database, home: Home, second: tuple[Database, Home], tmp_path: Path) -> None:
    data = _exported(first, home, tmp_path)
    problems = _import_refused(*second, _write(tmp_path, {**data, "version": 2}))
    assert problems == ('version: the file is "Warranty Desk settings" version 2; this Warranty '
                        'Desk reads "Warranty Desk settings" version 1. Export it again with '
                        'this version',)


def test_wrong_types_and_unknown_keys_are_each_listed_where_they_are(
        first: Database, home: Home, second: tuple[Database, Home], tmp_path: Path) -> None:
    data = _exported(first, home, tmp_path)
    data["shop"]["reminder_days"] = "21"
    data["policies"][1]["shop_months"] = 1.5
    data["till"]["scanner"]["enabled"] = "yes"
    data["till"]["colour"] = "red"
    del data["extension_plans"][0]["months"]
    problems = _import_refused(*second, _write(tmp_path, data))
    assert problems == (
        'shop.reminder_days: is "21", not a whole number; write a whole number there',
        "till.colour: is not a setting this version knows; remove it (a file from a newer "
        "version must be imported into that version)",
        'till.scanner.enabled: is "yes", not true or false; write true or false there',
        "policies[2].shop_months: is 1.5, not a whole number; write a whole number there",
        "extension_plans[1].months: is missing; add it, or export the file again")


def test_values_no_branch_could_use_are_all_listed_and_nothing_is_half_imported(
        first: Database, home: Home, second: tuple[Database, Home], tmp_path: Path) -> None:
    data = _exported(first, home, tmp_path)
    data["shop"]["currency"] = "XX"
    data["policies"][0]["manufacturer_months"] = 0
    data["policies"][0]["shop_months"] = 0
    data["till"]["theme"] = "purple"
    data["supplier_terms"][0]["window_days"] = 0
    problems = _import_refused(*second, _write(tmp_path, data))
    assert len(problems) == 4
    assert problems[0] == ("till: the theme 'purple' is unknown: pick light or dark; change it "
                           "in the file")
    assert problems[1].startswith("shop: The shop details were not saved: currency 'XX' is not")
    assert problems[2].startswith("policies[1] (Accessories 6): Policy 'Accessories 6' was not "
                                  "saved: the policy covers no months at all")
    assert problems[3].startswith("supplier_terms[1] (Lumen UK): The claim window is 0 days")


def test_a_cut_short_file_is_refused_in_both_formats(
        first: Database, home: Home, second: tuple[Database, Home], tmp_path: Path) -> None:
    for name in ("cut.json", "cut.toml"):
        whole = _export(first, home, tmp_path / name).read_bytes()
        (tmp_path / name).write_bytes(whole[: len(whole) // 2])
        problems = _import_refused(*second, tmp_path / name)
        # Cut inside a value: the parser's place; cut between tables: what is missing.
        assert (problems == (problems[0],) and problems[0].startswith(
            "the file: is cut short or damaged (")) or all(
            p.endswith("is missing; add it, or export the file again") for p in problems)


def test_the_commands_export_and_import(
        first: Database, home: Home, second: tuple[Database, Home], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    db2, home2 = second
    first.dispose()
    db2.dispose()
    path = tmp_path / "volt.toml"
    assert cli.main(["--home", str(home.root), "settings", "export", str(path)]) == 0
    assert "holds no tokens, passwords or PINs" in capsys.readouterr().out
    assert settings_file.read(path)["branch"]["code"] == "BR01"
    assert cli.main(["--home", str(home2.root), "settings", "import", str(path)]) == 0
    assert "its code BR02 (the file came from BR01)" in capsys.readouterr().out
    assert _configuration(db2, home2) == _configuration(first, home)
    data = settings_file.read(path)
    bad = tmp_path / "bad.toml"
    bad.write_text(path.read_text("utf-8").replace('theme = "dark"', 'theme = 7'), "utf-8")
    assert data["till"]["theme"] == "dark"
    assert cli.main(["--home", str(home2.root), "settings", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "- till.theme: is 7, not a text in quotes" in err


def test_a_role_that_may_not_change_settings_cannot_import(
        first: Database, home: Home, second: tuple[Database, Home], tmp_path: Path) -> None:
    path = _export(first, home, tmp_path / "s.json")
    db2, home2 = second
    from warranty_desk.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        transfer.import_settings(db2, actor(Role.MANAGER), home2, path)
    assert replace(config.load(home2).settings) == config.Settings()
