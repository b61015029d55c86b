"""Customers start claims on eligible products with photos from their phones, and add evidence."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from portal.customers import claims, uploads
from portal.customers.eligibility import PolicyTerms, verdict
from portal.customers.models import CustomerAccount, OnlineClaim, OnlineDocument
from portal.inbox.models import InboxItem
from portal.problems import Problem
from portal.projections.models import Warranty
from portal.receiver.documents import read
from portal.receiver.models import Document
from tests.conftest import TODAY
from tests.portal.customers import (
    PDF,
    SHOP_PHOTO_SHA,
    Shops,
    photo,
    signed_in,
    sms_code_for,
)
from tests.portal.office import client as new_browser

pytestmark = pytest.mark.usefixtures("fresh_limits")


@pytest.fixture
def ann(records: Shops) -> Client:
    return signed_in(records.ann_email)


@pytest.fixture
def bob(records: Shops) -> Client:
    return signed_in(records.bob_email)


def _kettle(records: Shops) -> list[str]:
    return [records.north.code, f"{records.north.code}-W1"]


def _items(records: Shops) -> list[InboxItem]:
    return list(InboxItem.objects.filter(branch_id=records.north.pk).order_by("position"))


def _gps(data: bytes) -> object:
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif().get_ifd(0x8825) or image.getexif().get(0x8825)


def _files(page: str) -> list[str]:
    return re.findall(r'<input type="file"[^>]*>', page)


def _clear_claims() -> None:
    OnlineDocument.objects.all().delete()
    OnlineClaim.objects.all().delete()
    InboxItem.objects.all().delete()


def test_the_start_page_offers_faults_the_evidence_checklist_camera_inputs_and_the_branch(
    records: Shops, ann: Client,
) -> None:
    page = ann.get(reverse("customers:start_claim", args=_kettle(records))).content.decode()
    assert "Kettle &lt;b&gt;Pro&lt;/b&gt;" in page and "Does not switch on" in page
    assert "photo of the fault" in page and "photo of the serial label" in page
    inputs = _files(page)
    assert all('accept="image/*' in i for i in inputs) and len(inputs) == 3
    assert sum('capture="environment"' in i for i in inputs) == 2
    assert 'accept="image/*,application/pdf"' in inputs[-1]
    assert f"branch {records.north.code}" in page
    # Every field has its label.
    for name in re.findall(r'id="(id_[a-z_]+|fault-[a-z0-9]+)"', page):
        assert f'for="{name}"' in page, name
    assert "<script" not in page


def test_a_claim_with_a_photo_and_an_invoice_reaches_the_branch_inbox_and_shows_received(
    records: Shops, ann: Client,
) -> None:
    _clear_claims()
    camera = photo()
    assert _gps(camera)
    sent = ann.post(reverse("customers:start_claim", args=_kettle(records)), {
        "fault": "Does not switch on", "other": "Since <Tuesday> – «клик» \"pop\"",
        "photo_of_fault": SimpleUploadedFile("IMG_0001.jpg", camera, "image/jpeg"),
        "proof_of_purchase": SimpleUploadedFile("receipt.pdf", PDF, "application/pdf")})
    assert sent.status_code == 302, sent.content.decode()[:2000]
    online = OnlineClaim.objects.get()
    assert sent["Location"] == reverse("customers:claim",
                                       args=[records.north.code, online.item_id])
    started, *docs = _items(records)
    assert started.kind == "claim_started" and started.item_id == online.item_id
    assert started.payload == {
        "warranty_code": f"{records.north.code}-W1", "serial": "SN-KET-1", "claim_type": "fault",
        "fault": "Does not switch on. Since <Tuesday> – «клик» \"pop\"",
        "customer": {"name": "Ann North", "email": "ann@example.com",
                     "phone": "+447700900123"}}
    assert [(d.kind, d.payload["claim_ref"], d.payload["kind"], d.payload["name"])
            for d in docs] == [
        ("document_uploaded", online.item_id, "photo_of_fault", "IMG_0001.jpg"),
        ("document_uploaded", online.item_id, "proof_of_purchase", "receipt.pdf")]
    # The branch fetches them by sha256: the photo re-encoded, its location gone.
    branch = online.branch
    kept = read(branch, docs[0].payload["sha256"])
    assert kept is not None and kept != camera and not _gps(kept)
    assert read(branch, docs[1].payload["sha256"]) == PDF
    page = ann.get(sent["Location"]).content.decode()
    assert "Received" in page and "usually within two working days" in page
    assert "Since &lt;Tuesday&gt; – «клик» &quot;pop&quot;" in page
    assert "<Tuesday>" not in page
    # The landing page lists it, and the product can take no second claim while it is open.
    landing = ann.get("/me/").content.decode()
    assert reverse("customers:claim", args=[records.north.code, online.item_id]) in landing
    again = ann.get(reverse("customers:start_claim", args=_kettle(records))).content.decode()
    assert "A claim on this unit is already open." in again and "<form method" not in again
    assert f'href="{sent["Location"]}">See the open claim' in again


def test_a_refused_file_is_named_with_what_to_do_and_nothing_is_saved(
    records: Shops, ann: Client,
) -> None:
    _clear_claims()
    documents = Document.objects.count()
    answer = ann.post(reverse("customers:start_claim", args=_kettle(records)), {
        "fault": "Does not switch on",
        "photo_of_fault": [SimpleUploadedFile("ok.jpg", photo(), "image/jpeg"),
                           SimpleUploadedFile("<b>cat.jpg", b"MZ\x90\x00" + b"\0" * 64,
                                              "image/jpeg")]})
    page = answer.content.decode()
    assert answer.status_code == 400 and 'role="alert"' in page, page[-2500:]
    assert "&lt;b&gt;cat.jpg is not a photo: it looks like a Windows program" in page
    assert "<b>cat" not in page
    assert "Nothing was sent yet" in page and 'value="Does not switch on" checked' in page
    assert not OnlineClaim.objects.exists() and not InboxItem.objects.exists()
    assert Document.objects.count() == documents


@pytest.mark.parametrize(("name", "data", "said"), [
    ("big.jpg", None, "big.jpg is 0.0 MB; each file may be at most"),
    ("IMG_1.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64,
     "IMG_1.heic is a HEIC photo"),
    ("notes.txt", b"just some words", "notes.txt is not a photo: it is plain text"),
    ("anim.gif", b"GIF89a" + b"\0" * 40, "anim.gif is not a photo: it is a GIF image. A "
     "photo of the fault must be a photo (JPEG, PNG or WebP); send that instead."),
    ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 40, "broken.jpg could not be read as a photo"),
])
def test_each_kind_of_bad_file_gets_its_own_plain_refusal(
    records: Shops, ann: Client, monkeypatch: pytest.MonkeyPatch, name: str,
    data: bytes | None, said: str,
) -> None:
    _clear_claims()
    if data is None:
        monkeypatch.setattr(uploads, "MAX_BYTES", 10)
        data = photo()
    answer = ann.post(reverse("customers:start_claim", args=_kettle(records)), {
        "fault": "other", "other": "It hums",
        "photo_of_fault": SimpleUploadedFile(name, data, "image/jpeg")})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert said in page, page[-3000:]
    assert not InboxItem.objects.exists()


def test_too_many_files_are_refused_at_once(records: Shops, ann: Client) -> None:
    _clear_claims()
    answer = ann.post(reverse("customers:start_claim", args=_kettle(records)), {
        "fault": "Does not switch on",
        "photo_of_fault": [SimpleUploadedFile(f"p{n}.png", photo("PNG"), "image/png")
                           for n in range(uploads.MAX_FILES + 1)]})
    assert answer.status_code == 400
    assert f"a claim takes at most {uploads.MAX_FILES}" in answer.content.decode()
    assert not InboxItem.objects.exists()


def test_a_claim_needs_a_fault_of_a_few_words(records: Shops, ann: Client) -> None:
    _clear_claims()
    answer = ann.post(reverse("customers:start_claim", args=_kettle(records)),
                      {"fault": "other", "other": "   "})
    assert answer.status_code == 400 and "Say what is wrong" in answer.content.decode()
    # The till opens no claim on fewer than three characters.
    short = ann.post(reverse("customers:start_claim", args=_kettle(records)),
                     {"fault": "other", "other": " No "})
    assert short.status_code == 400 and "Say a little more" in short.content.decode()
    assert not InboxItem.objects.exists()


def test_ineligible_products_say_why_in_plain_words_and_what_to_do(
    records: Shops, ann: Client,
) -> None:
    _clear_claims()
    landing = ann.get("/me/").content.decode()
    radio = ann.get(reverse("customers:start_claim", args=[
        records.south.code, f"{records.south.code}-W2"])).content.decode()
    ended = TODAY - timedelta(days=900) + timedelta(days=730)
    assert f"cover ended on {ended.day} {ended:%B %Y}" in radio and "for a fee" in radio
    phone = ann.get(reverse("customers:start_claim", args=[
        records.south.code, f"{records.south.code}-W3"])).content.decode()
    assert "void" in phone and "Water damage at intake" in phone
    assert "If you think this is a mistake" in phone
    for page in (radio, phone):
        assert "<form method" not in page
    # Posting anyway starts nothing.
    ann.post(reverse("customers:start_claim", args=[records.south.code,
                                                    f"{records.south.code}-W2"]),
             {"fault": "Does not switch on"})
    assert not InboxItem.objects.exists()
    # The landing page says the same on each card, and offers a claim on the kettle.
    assert "Start a claim" in landing and "Water damage at intake" in landing
    assert "What you can do:" in landing


def test_a_claim_limit_reached_is_said_in_plain_words(records: Shops) -> None:
    fridge = Warranty.objects.select_related("branch").get(code=f"{records.north.code}-W9")
    found = verdict(fridge, TODAY, PolicyTerms(claim_limit=1))
    assert not found.eligible
    assert "The claim limit is reached: 1 of 1 claims in the last 12 months." in found.reasons
    assert "A claim on this unit is already open." in found.reasons


def test_each_card_says_what_is_not_covered(records: Shops, ann: Client) -> None:
    page = ann.get("/me/").content.decode()
    assert page.count("Not covered</h3>") == 3
    kettle = Warranty.objects.select_related("branch").get(code=f"{records.north.code}-W1")
    from portal.customers.eligibility import exclusion_words
    assert exclusion_words(kettle, PolicyTerms(exclusions=("accidental damage",))) == [
        "Not covered: accidental damage"]


def test_the_documents_page_adds_evidence_and_says_who_added_what(
    records: Shops, bob: Client,
) -> None:
    _clear_claims()
    url = reverse("customers:documents", args=[records.north.code, "CL-9"])
    page = bob.get(url).content.decode()
    assert "Added by the shop" in page and "Photos of the damage" in page
    sent = bob.post(url, {"kind": "serial_photo", "files": [
        SimpleUploadedFile("label «1».png", photo("PNG"), "image/png")]})
    assert sent.status_code == 302 and sent["Location"] == url
    [item] = _items(records)
    assert item.kind == "document_uploaded"
    assert {k: item.payload[k] for k in ("claim_ref", "kind", "name")} == {
        "claim_ref": "CL-9", "kind": "serial_photo", "name": "label «1».png"}
    page = bob.get(url).content.decode()
    assert "label «1».png" in page and "Added by you" in page
    assert "Added: your files are on their way to the shop." in page
    # Downloads are attachments, never shown inline from the portal's origin.
    got = bob.get(reverse("customers:document", args=[records.north.code, "CL-9",
                                                      SHOP_PHOTO_SHA]))
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment;")
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Type"] == "application/octet-stream"
    # A hash not on the claim is not found, even one the branch holds.
    other = bob.get(reverse("customers:document", args=[records.north.code, "CL-9",
                                                        "0" * 64]))
    assert other.status_code == 404


def test_the_timeline_says_what_happens_next(records: Shops, bob: Client) -> None:
    page = bob.get(reverse("customers:claim", args=[records.north.code, "CL-9"])
                   ).content.decode()
    assert "What happens next" in page
    assert "The shop tells you when the unit is ready to collect." in page
    assert reverse("customers:documents", args=[records.north.code, "CL-9"]) in page


def test_a_failure_after_the_first_file_keeps_nothing_of_the_claim(
    records: Shops, ann: Client, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _clear_claims()
    calls: list[str] = []

    def store_once(branch: object, sha256: str, data: bytes) -> bool:
        calls.append(sha256)
        if len(calls) == 2:
            raise Problem(400, "Document refused by the receiver.", code="document_refused")
        return True

    monkeypatch.setattr(claims.stored, "store", store_once)
    answer = ann.post(reverse("customers:start_claim", args=_kettle(records)), {
        "fault": "Does not switch on",
        "photo_of_fault": [SimpleUploadedFile("one.jpg", photo(), "image/jpeg"),
                           SimpleUploadedFile("two.png", photo("PNG"), "image/png")]})
    assert answer.status_code == 400 and len(calls) == 2
    assert "two.png was refused: Document refused by the receiver." in answer.content.decode()
    assert not OnlineClaim.objects.exists() and not OnlineDocument.objects.exists()
    assert not InboxItem.objects.exists()


def test_another_customers_claim_started_here_is_not_found_nor_added_to(
    records: Shops, ann: Client, bob: Client,
) -> None:
    _clear_claims()
    ann.post(reverse("customers:start_claim", args=_kettle(records)),
             {"fault": "Does not switch on"})
    online = OnlineClaim.objects.get()
    args = [records.north.code, online.item_id]
    assert ann.get(reverse("customers:claim", args=args)).status_code == 200
    for name in ("claim", "documents"):
        assert bob.get(reverse(f"customers:{name}", args=args)).status_code == 404
    posted = bob.post(reverse("customers:documents", args=args), {
        "kind": "photo_of_fault", "files": [SimpleUploadedFile("x.png", photo("PNG"))]})
    assert posted.status_code == 404
    started = bob.post(reverse("customers:start_claim", args=_kettle(records)),
                       {"fault": "Does not switch on"})
    assert started.status_code == 404
    assert [i.kind for i in InboxItem.objects.all()] == ["claim_started"]


def test_a_description_too_long_is_refused_whole_not_cut(records: Shops, ann: Client) -> None:
    _clear_claims()
    words = "Чайник не включается, 水壶坏了. " * 100
    answer = ann.post(reverse("customers:start_claim", args=_kettle(records)),
                      {"fault": "Does not switch on", "other": words})
    page = answer.content.decode()
    assert answer.status_code == 400 and "characters long; keep it under 1980" in page
    assert words.strip() in page  # given back in the box, to shorten
    assert not InboxItem.objects.exists()
    long_name = "Фото_" + "очень_длинное_имя_" * 20 + ".png"
    sent = ann.post(reverse("customers:start_claim", args=_kettle(records)), {
        "fault": "other", "other": words[:1900].strip(),
        "photo_of_fault": SimpleUploadedFile(long_name, photo("PNG"), "image/png")})
    assert sent.status_code == 302
    [item] = InboxItem.objects.filter(kind="document_uploaded")
    assert item.payload["name"] == long_name[:120]
    assert InboxItem.objects.get(kind="claim_started").payload["fault"] == words[:1900].strip()


def test_an_email_longer_than_the_till_takes_is_left_out_not_cut() -> None:
    long = "a" * 220 + "@example.com"
    found = claims.customer_of(CustomerAccount(email=long), Warranty(customer=None))
    assert found == {"name": "Customer"}


def test_a_claim_started_by_email_is_the_same_customers_when_signed_in_by_phone(
    records: Shops, ann: Client,
) -> None:
    _clear_claims()
    ann.post(reverse("customers:start_claim", args=_kettle(records)), {
        "fault": "Does not switch on",
        "photo_of_fault": SimpleUploadedFile("IMG_7.jpg", photo(), "image/jpeg")})
    online = OnlineClaim.objects.get()
    by_phone = new_browser()
    asked = by_phone.post("/me/sign-in/phone/", {"phone": "+447700900123"})
    assert asked.status_code == 302, asked.content.decode()[:1500]
    assert by_phone.post("/me/sign-in/phone/code/", {
        "code": sms_code_for("+447700900123")})["Location"] == "/me/"
    url = reverse("customers:claim", args=[records.north.code, online.item_id])
    assert url in by_phone.get("/me/").content.decode()
    assert by_phone.get(url).status_code == 200
    docs = by_phone.get(reverse("customers:documents", args=[records.north.code,
                                                             online.item_id]))
    assert "IMG_7.jpg" in docs.content.decode()
