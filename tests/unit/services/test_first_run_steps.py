"""The first-run setup's steps without Qt: saved whole, resumable, refused once finished."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import sqlite_rows
from warranty_desk.config import SyncSettings
from warranty_desk.errors import BadInput
from warranty_desk.scanning import ScanKind
from warranty_desk.services import first_run, shop_settings, staff
from warranty_desk.services.first_run import PolicyDraft, ShopStep
from warranty_desk.services.first_run_checks import (
    LogoFile,
    alone_sync,
    head_office_sync,
    logo_problem,
    read_scan,
)
from warranty_desk.storage.database import Database
from warranty_desk.storage.documents import DocumentStore
from warranty_desk.storage.home import Home

pytestmark = pytest.mark.usefixtures("fast_hasher")

SHOP = ShopStep("Corner <b>Electronics</b>", "1 High St", "en_GB", "GBP", "Europe/London")


def _png(width: int, height: int, kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, kind)
    return out.getvalue()


def _store(home: Home) -> DocumentStore:
    return DocumentStore(home.documents)


def test_a_new_shop_starts_at_the_first_step_and_a_shop_with_staff_counts_as_set_up(
        db: Database) -> None:
    assert first_run.progress(db) == first_run.Progress("shop", {}, False, "")
    staff.create_staff(db, first_run.SETUP_ACTOR, "Olive Owner", staff.Role.OWNER, "7777")
    done = first_run.progress(db)
    assert done.finished and done.step == first_run.DONE
    with pytest.raises(first_run.SetupFinished, match="already finished"):
        first_run.save_shop(db, SHOP, DocumentStore(db.path.parent / "d"))


def test_each_step_is_saved_and_the_setup_resumes_at_the_next_with_what_was_typed(
        db: Database, home: Home) -> None:
    logo = LogoFile("logo.png", _png(200, 80))
    after = first_run.save_shop(db, SHOP, _store(home), logo)
    assert after.step == "branch"
    view = shop_settings.get_shop(db)
    assert (view.name, view.address, view.currency) == ("Corner <b>Electronics</b>", "1 High St",
                                                         "GBP")
    assert view.logo_sha256 is not None and _store(home).exists(view.logo_sha256)
    first_run.save_branch(db, "cs1", "Cornerstone")
    assert shop_settings.get_shop(db).branch_code == "CS1"
    first_run.keep_draft(db, "owner", {"name": "Ольга Владелец", "pin": "2468"})
    # The app closed here; on the next start the setup comes back at the owner's step.
    again = first_run.progress(db)
    assert again.step == "owner" and again.draft("owner") == {"name": "Ольга Владелец"}
    assert again.draft("shop")["logo"] == "logo.png"
    assert again.draft("branch") == {"code": "CS1", "branch_name": "Cornerstone"}


def test_the_owner_needs_a_pin_of_the_staff_rules_typed_twice_alike(db: Database) -> None:
    with pytest.raises(BadInput, match="4 to 8 digits"):
        first_run.save_owner(db, "Nora", "12", "12")
    with pytest.raises(BadInput, match="two PINs differ"):
        first_run.save_owner(db, "Nora", "2468", "2469")
    assert first_run.progress(db).owner == ""
    after = first_run.save_owner(db, "Nora", "2468", "2468")
    assert after.owner == "Nora" and after.step == "policies"
    assert "2468" not in str(after.drafts)
    # Saved again (the person went back): the owner made is kept, no second one.
    first_run.save_owner(db, "Someone Else", "", "")
    assert [s.name for s in staff.list_staff(db)] == ["Nora"]


@pytest.mark.parametrize(("code", "said"), [
    ("", "Type the branch code: 2 to 6 capital letters"),
    ("1AB", "must be 2 to 6 capital letters or digits, starting with a letter"),
    ("BR-01", "must be 2 to 6"),
    ("БР01", "must be 2 to 6"),
    ("BRANCH01", "must be 2 to 6"),
])
def test_a_wrong_branch_code_says_what_is_allowed_and_saves_nothing(
        db: Database, code: str, said: str) -> None:
    with pytest.raises(BadInput, match=said):
        first_run.save_branch(db, code, "Main")
    assert shop_settings.get_shop(db).branch_code == "BR01"
    assert first_run.progress(db).step == "shop"


def test_a_bad_logo_leaves_the_shop_details_unsaved(db: Database, home: Home) -> None:
    with pytest.raises(BadInput, match="only 10 × 10 pixels"):
        first_run.save_shop(db, SHOP, _store(home), LogoFile("tiny.png", _png(10, 10)))
    assert shop_settings.get_shop(db).name == "My Shop"
    assert first_run.progress(db).step == "shop"


@pytest.mark.parametrize(("logo", "said"), [
    (LogoFile("notes.txt", b"hello"), "not a PNG or JPEG"),
    (LogoFile("empty.png", b""), "is empty"),
    (LogoFile("huge.png", _png(4100, 50)), "at most 4000 pixels"),
    (LogoFile("big.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024)), "must be under 2 MB"),
])
def test_a_logo_must_be_a_picture_of_sane_size(logo: LogoFile, said: str) -> None:
    assert said in (logo_problem(logo) or "")
    assert logo_problem(LogoFile("ok.jpg", _png(300, 100, "JPEG"))) is None


def test_the_presets_are_offered_and_saved_as_edited(db: Database) -> None:
    rows = first_run.policy_drafts(first_run.progress(db))
    assert [(p.name, p.months) for p in rows] == [("Electronics", 12), ("Large appliances", 24),
                                                  ("Phones", 12)]
    assert any("battery" in x.casefold() for x in rows[2].exclusions)
    edited = [rows[0], PolicyDraft("Large appliances", 36, chosen=True),
              PolicyDraft(rows[2].name, 12, exclusions=rows[2].exclusions, chosen=False)]
    first_run.save_policies(db, edited)
    saved = {p.name: p for p in shop_settings.list_policies(db)}
    assert set(saved) == {"Electronics", "Large appliances"}
    assert saved["Large appliances"].manufacturer_months == 36
    shown = first_run.policy_drafts(first_run.progress(db))
    assert [(p.name, p.months, p.chosen) for p in shown] == [
        ("Electronics", 12, True), ("Large appliances", 36, True), ("Phones", 12, False)]
    # Saved again after going back: the policies are changed, not made twice.
    first_run.save_policies(db, [PolicyDraft("Electronics", 18)])
    assert {p.name: p.manufacturer_months for p in shop_settings.list_policies(db)} == {
        "Electronics": 18, "Large appliances": 36}


def test_policies_refused_whole_when_one_is_wrong(db: Database) -> None:
    with pytest.raises(BadInput, match="covers no months"):
        first_run.save_policies(db, [PolicyDraft("Electronics", 12), PolicyDraft("None", 0)])
    assert shop_settings.list_policies(db) == ()
    with pytest.raises(BadInput, match="at least one policy"):
        first_run.save_policies(db, [PolicyDraft("Electronics", 12, chosen=False)])
    with pytest.raises(BadInput, match="Two policies are called 'Phones'"):
        first_run.save_policies(db, [PolicyDraft("Phones", 12), PolicyDraft(" Phones", 24)])


@pytest.mark.parametrize(("text", "kind", "words"), [
    ("SN-4471-XK", ScanKind.SERIAL, "a serial number"),
    ("INV-2026-0042", ScanKind.INVOICE_NUMBER, "an invoice number"),
    ("]C101095011010209171719050810ABC123\x1d21SER42", ScanKind.GS1, "serial SER42"),
    ("hello there", ScanKind.TEXT, "plain text"),
])
def test_a_test_scan_says_what_it_reads_as(text: str, kind: ScanKind, words: str) -> None:
    reading = read_scan(text)
    assert reading.kind is kind and words in reading.words
    assert "\x1d" not in reading.shown


def test_finishing_needs_the_owner_and_ends_the_setup(db: Database, home: Home) -> None:
    with pytest.raises(BadInput, match="owner's account first"):
        first_run.finish(db, "alone", {})
    first_run.save_owner(db, "Nora", "2468", "2468")
    first_run.save_test(db, "scanner", "")
    first_run.save_test(db, "printer", "Printed on tcp://10.0.0.5:9100")
    done = first_run.finish(db, "alone", {"smtp_host": "smtp.example.com",
                                          "smtp_password": "hunter2"})
    assert done.finished and done.draft("scanner") == {"result": "skipped"}
    assert "hunter2" not in str(done.drafts)
    rows = sqlite_rows(
        home.database, "SELECT action FROM audit_entries WHERE action = 'setup.finish'")
    assert rows == [("setup.finish",)]
    with pytest.raises(first_run.SetupFinished):
        first_run.save_owner(db, "Mallory", "1111", "1111")


def test_the_sync_settings_for_head_office_or_alone_name_every_problem() -> None:
    wanted, found = head_office_sync(SyncSettings(), "  ")
    assert found == ["type head office's portal address, e.g. https://portal.example.com/api/v1"]
    wanted, found = head_office_sync(SyncSettings(), "https://ho.example.com/api/v1")
    assert found == [] and wanted.portal_url == "https://ho.example.com/api/v1"
    wanted, found = alone_sync(SyncSettings(portal_url="https://x.example"), "", 587,
                               "starttls", "", "not-mail")
    assert wanted.portal_url == "" and wanted.messages == "smtp"
    assert any("no server name" in f for f in found)
    assert any("not an email address" in f for f in found)
    wanted, found = alone_sync(SyncSettings(), "smtp.example.com", 587, "starttls", "shop",
                               "repairs@example.com")
    assert found == []
