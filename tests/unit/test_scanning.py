"""Tests for warranty_desk.scanning (what a scanned or typed string is) and the number formats,
scan cleaning and GS1 reading it decides with."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from warranty_desk.number_formats import (
    BRANCH_CODE_RE,
    CLAIM_NUMBER_RE,
    WARRANTY_CODE_RE,
    ClaimNumberPart,
    CodeParts,
    format_number,
    is_branch_code,
    partial_claim_number,
)
from warranty_desk.scanning import MAX_SCAN_LENGTH, Scan, ScanKind, classify, parse_number

K = ScanKind
GS = "\x1d"
GTIN = "09506000134352"  # a valid GTIN-14 (GS1's own example number)
BAD_GTIN = "09506000134353"  # same number, wrong check digit


def gs1_check_digit(payload: str) -> str:
    """Compute the GS1 mod-10 check digit independently of the code under test."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return str((10 - total % 10) % 10)


# --- The table: real-looking input -> kind, value, candidates -----------------------------

TABLE = [
    # Warranty codes and claim numbers, as printed, typed sloppily and scanned with suffixes.
    ("BR01-W-2026-000123", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("br01-w-2026-000123", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("  BR01-W-2026-000123  ", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("BR01-W-2026-000123\r", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("BR01-W-2026-000123\n", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("BR01-W-2026-000123\r\n", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("BR01-W-2026-000123\t", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("MAIN-W-2025-1234567", K.WARRANTY_CODE, "MAIN-W-2025-1234567", (K.WARRANTY_CODE,)),
    ("BR01–W–2026–000123", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("br01 w 2026 000123", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("]C0BR01-W-2026-000123", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("BR01-W-2026-\x00000123\x07", K.WARRANTY_CODE, "BR01-W-2026-000123", (K.WARRANTY_CODE,)),
    ("BR01-C-2026-000042", K.CLAIM_NUMBER, "BR01-C-2026-000042", (K.CLAIM_NUMBER,)),
    ("br01-c-2026-000042\r\n", K.CLAIM_NUMBER, "BR01-C-2026-000042", (K.CLAIM_NUMBER,)),
    ("Ab-C-2024-000001", K.CLAIM_NUMBER, "AB-C-2024-000001", (K.CLAIM_NUMBER,)),
    # Invoice numbers from several POS systems.
    ("INV-1001", K.INVOICE_NUMBER, "INV-1001", (K.INVOICE_NUMBER, K.SERIAL)),
    ("INV1001", K.INVOICE_NUMBER, "INV1001", (K.INVOICE_NUMBER, K.SERIAL)),
    ("inv-2026/0007", K.INVOICE_NUMBER, "INV-2026/0007", (K.INVOICE_NUMBER, K.SERIAL)),
    ("#1001", K.INVOICE_NUMBER, "#1001", (K.INVOICE_NUMBER,)),
    ("BR01-I-2026-000001", K.INVOICE_NUMBER, "BR01-I-2026-000001", (K.INVOICE_NUMBER,)),
    ("br02-i-2026-77", K.INVOICE_NUMBER, "BR02-I-2026-77", (K.INVOICE_NUMBER,)),
    ("1001", K.INVOICE_NUMBER, "1001", (K.INVOICE_NUMBER, K.SERIAL)),
    ("42", K.INVOICE_NUMBER, "42", (K.INVOICE_NUMBER,)),
    ("inv 1001", K.TEXT, "inv 1001", (K.TEXT,)),
    # Serials.
    ("C02XK1JHJG5H", K.SERIAL, "C02XK1JHJG5H", (K.SERIAL, K.INVOICE_NUMBER)),
    ("c02xk1jhjg5h\r", K.SERIAL, "C02XK1JHJG5H", (K.SERIAL, K.INVOICE_NUMBER)),
    ("SN-000123", K.SERIAL, "SN-000123", (K.SERIAL, K.INVOICE_NUMBER)),
    ("R58M12ABCDE", K.SERIAL, "R58M12ABCDE", (K.SERIAL, K.INVOICE_NUMBER)),
    ("SN12345678", K.SERIAL, "SN12345678", (K.SERIAL, K.INVOICE_NUMBER)),
    ("]A0SN12345678", K.SERIAL, "SN12345678", (K.SERIAL, K.INVOICE_NUMBER)),
    ("123456", K.SERIAL, "123456", (K.SERIAL, K.INVOICE_NUMBER)),
    ("12345678901", K.SERIAL, "12345678901", (K.SERIAL, K.PHONE, K.INVOICE_NUMBER)),
    ("2026-000123", K.SERIAL, "2026-000123", (K.SERIAL, K.INVOICE_NUMBER, K.PHONE)),
    ("9506000134353", K.SERIAL, "9506000134353", (K.SERIAL, K.PHONE, K.INVOICE_NUMBER)),
    ("1234567890123456789", K.SERIAL, "1234567890123456789", (K.SERIAL, K.INVOICE_NUMBER)),
    # Plain product barcodes: a valid check digit makes a GTIN, stored as 14 digits.
    ("9506000134352", K.GS1, GTIN, (K.GS1, K.SERIAL)),
    ("036000291452", K.GS1, "00036000291452", (K.GS1, K.SERIAL)),
    (GTIN, K.GS1, GTIN, (K.GS1, K.SERIAL)),
    ("]E09506000134352", K.GS1, GTIN, (K.GS1,)),
    # Phones.
    ("+44 20 7946 0958", K.PHONE, "+442079460958", (K.PHONE,)),
    ("(555) 123-4567", K.PHONE, "5551234567", (K.PHONE,)),
    ("(555)123-4567", K.PHONE, "5551234567", (K.PHONE,)),
    ("(555)1234567", K.PHONE, "5551234567", (K.PHONE,)),
    ("555-123-4567", K.PHONE, "5551234567", (K.PHONE, K.SERIAL, K.INVOICE_NUMBER)),
    ("555.123.4567", K.PHONE, "5551234567", (K.PHONE, K.SERIAL, K.INVOICE_NUMBER)),
    ("0412 345 678", K.PHONE, "0412345678", (K.PHONE,)),
    ("+61412345678", K.PHONE, "+61412345678", (K.PHONE,)),
    ("0412\u00a0345\u00a0678\r\n", K.PHONE, "0412345678", (K.PHONE,)),
    # Free text for the name search.
    ("Ada Lovelace", K.TEXT, "Ada Lovelace", (K.TEXT,)),
    ("  Ada \t  Lovelace \r\n", K.TEXT, "Ada Lovelace", (K.TEXT,)),
    ("lovelace", K.TEXT, "lovelace", (K.TEXT,)),
    ("INVERNESS", K.TEXT, "INVERNESS", (K.TEXT,)),
    ("O'Brien", K.TEXT, "O'Brien", (K.TEXT,)),
    ("Zoë Müller", K.TEXT, "Zoë Müller", (K.TEXT,)),
    ("ada@example.com", K.TEXT, "ada@example.com", (K.TEXT,)),
    ("iPhone 13 Pro", K.TEXT, "iPhone 13 Pro", (K.TEXT,)),
    ("١٢٣٤٥٦٧", K.TEXT, "١٢٣٤٥٦٧", (K.TEXT,)),
    # Nothing at all.
    ("", K.EMPTY, "", ()),
    (" \r\n\t", K.EMPTY, "", ()),
    ("\x00\x1d\x1b", K.EMPTY, "", ()),
]


@pytest.mark.parametrize(("text", "kind", "value", "candidates"), TABLE)
def test_each_real_looking_input_is_classified_with_its_normalised_value_and_candidates(
    text: str, kind: ScanKind, value: str, candidates: tuple[ScanKind, ...]
) -> None:
    scan = classify(text)

    assert (scan.kind, scan.value, scan.candidates) == (kind, value, candidates)
    assert scan.raw == text
    assert scan.problem is None


# --- GS1 element strings in every form -----------------------------------------------------

PAYLOAD = f"01{GTIN}21SN1234{GS}10LOT7{GS}17261231"
GS1_FORMS = [
    pytest.param(PAYLOAD, id="raw with GS separators"),
    pytest.param(PAYLOAD + "\r\n", id="raw with a scanner suffix"),
    pytest.param(GS + PAYLOAD, id="raw with a leading FNC1"),
    pytest.param("]C1" + PAYLOAD, id="GS1-128"),
    pytest.param("]d2" + PAYLOAD, id="GS1 DataMatrix"),
    pytest.param("]d2" + GS + PAYLOAD, id="GS1 DataMatrix with a leading FNC1"),
    pytest.param("]Q3" + PAYLOAD, id="GS1 QR"),
    pytest.param("]e0" + PAYLOAD, id="GS1 DataBar"),
    pytest.param(f"(01){GTIN}(21)SN1234(10)LOT7(17)261231", id="bracketed"),
    pytest.param(f"(01) {GTIN} (21) SN1234 (10) LOT7 (17) 261231", id="bracketed, typed"),
    pytest.param(f"(01){GTIN}(17)261231(10)LOT7(21)SN1234", id="bracketed, other order"),
    pytest.param(f"01{GTIN}17261231{GS}10LOT7{GS}21SN1234", id="raw, other order"),
    pytest.param(f"01{GTIN}21sn1234{GS}10LOT7{GS}17261231", id="raw, lowercase serial"),
]


@pytest.mark.parametrize("text", GS1_FORMS)
def test_every_gs1_form_of_the_same_payload_gives_the_same_gtin_serial_lot_and_expiry(
    text: str,
) -> None:
    scan = classify(text)

    assert scan.kind is K.GS1
    assert scan.candidates == (K.GS1,)
    assert (scan.gtin, scan.serial, scan.lot, scan.expiry) == (
        GTIN,
        "SN1234",
        "LOT7",
        date(2026, 12, 31),
    )
    assert scan.value == "SN1234"
    assert scan.problem is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(f"01{GTIN}", id="raw AI 01 only"),
        pytest.param(f"]C101{GTIN}", id="GS1-128 AI 01 only"),
        pytest.param(f"(01){GTIN}", id="bracketed AI 01 only"),
        pytest.param("9506000134352", id="bare EAN-13"),
        pytest.param(GTIN, id="bare GTIN-14"),
    ],
)
def test_a_gs1_scan_without_a_serial_uses_the_gtin_as_its_value(text: str) -> None:
    scan = classify(text)

    assert scan.kind is K.GS1
    assert (scan.gtin, scan.value, scan.serial, scan.lot, scan.expiry) == (
        GTIN,
        GTIN,
        None,
        None,
        None,
    )


def test_a_gs1_expiry_with_day_zero_means_the_last_day_of_the_month() -> None:
    scan = classify(f"(01){GTIN}(17)260200(21)X1")

    assert scan.expiry == date(2026, 2, 28)


def test_a_gs1_scan_with_a_wrong_gtin_check_digit_warns_and_still_offers_the_serial() -> None:
    scan = classify(f"]d201{BAD_GTIN}21SN1234{GS}10LOT7")

    assert scan.kind is K.SERIAL
    assert scan.candidates == (K.SERIAL,)
    assert (scan.value, scan.serial, scan.gtin, scan.lot) == ("SN1234", "SN1234", None, "LOT7")
    assert scan.problem == (
        f"The GS1 barcode could not be read: check digit of GTIN {BAD_GTIN} is wrong. "
        "Scan again or type the serial."
    )


@pytest.mark.parametrize(
    "text",
    [f"01{BAD_GTIN}", f"(01){BAD_GTIN}", f"]C101{BAD_GTIN}17261231"],
)
def test_a_gs1_scan_with_a_wrong_check_digit_and_no_serial_falls_back_with_a_problem(
    text: str,
) -> None:
    scan = classify(text)

    assert scan.kind is not K.GS1
    assert scan.gtin is None
    assert scan.problem is not None
    assert f"check digit of GTIN {BAD_GTIN} is wrong" in scan.problem


def test_a_bare_ean_13_with_a_wrong_check_digit_is_a_serial_without_a_warning() -> None:
    scan = classify("9506000134353")

    assert (scan.kind, scan.gtin, scan.problem) == (K.SERIAL, None, None)


def test_an_ean_symbology_with_a_wrong_check_digit_warns() -> None:
    scan = classify("]E09506000134353")

    assert scan.kind is K.SERIAL
    assert scan.problem is not None
    assert "check digit" in scan.problem


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("]C11234", id="GS1-128 with an unknown AI"),
        pytest.param("(99)", id="bracketed AI with no data"),
        pytest.param(f"(01){GTIN}(17)261399", id="bracketed with an impossible date"),
        pytest.param(f"01{GTIN}17261399{GS}21SN1", id="raw with an impossible date"),
        pytest.param("(01)123", id="bracketed GTIN too short"),
    ],
)
def test_a_malformed_gs1_scan_explains_the_problem_in_plain_words_and_does_not_raise(
    text: str,
) -> None:
    scan = classify(text)

    assert scan.problem is not None
    assert scan.problem.startswith("The GS1 barcode could not be read")
    assert scan.problem.endswith("Scan again or type the serial.")
    assert scan.kind is not K.GS1
    assert scan.kind in scan.candidates


def test_a_gs1_scan_with_neither_gtin_nor_serial_says_so() -> None:
    scan = classify("(10)LOT7(17)261231")

    assert (scan.kind, scan.lot, scan.expiry) == (K.GS1, "LOT7", date(2026, 12, 31))
    assert scan.problem is not None
    assert "no product number (GTIN) or serial number" in scan.problem


def test_a_gs1_symbology_prefix_on_non_gs1_data_is_ignored() -> None:
    scan = classify("]Q3BR01-C-2026-000042")

    assert (scan.kind, scan.value, scan.problem) == (K.CLAIM_NUMBER, "BR01-C-2026-000042", None)


# --- Malformed codes, long and noisy scans ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("BR01-W-2026-123", "warranty code"),
        ("br01-w-26-000123", "warranty code"),
        ("BR01-C-2026-42", "claim number"),
    ],
)
def test_an_incomplete_code_is_tried_as_a_serial_with_a_plain_words_problem(
    text: str, words: str
) -> None:
    scan = classify(text)

    assert scan.kind is K.SERIAL
    assert scan.problem is not None
    assert f"looks like a {words} but is not complete" in scan.problem


def test_a_scan_over_512_characters_is_text_with_a_problem() -> None:
    text = "A" * 600

    scan = classify(text)

    assert (scan.kind, scan.candidates) == (K.TEXT, (K.TEXT,))
    assert scan.problem == "That scan is too long to be a code (600 characters)."


def test_a_scan_of_exactly_512_characters_is_not_too_long() -> None:
    scan = classify("A" * (MAX_SCAN_LENGTH - 1) + "1")

    assert scan.problem is None


def test_a_huge_scan_does_not_raise() -> None:
    scan = classify("1" * 1_000_000)

    assert scan.kind is K.TEXT
    assert scan.problem == "That scan is too long to be a code (1000000 characters)."


def test_control_characters_inside_a_scan_are_dropped_silently() -> None:
    scan = classify("\x02SN\x00-0001\x7f23\x1b\x03")

    assert (scan.kind, scan.value, scan.problem) == (K.SERIAL, "SN-000123", None)


def test_a_typed_phone_with_spaces_is_never_free_text() -> None:
    for text in ("+44 20 7946 0958", "0412 345 678", "(555) 123 4567", "555 123 4567"):
        assert classify(text).kind is K.PHONE, text


# --- Values for the other candidates ---------------------------------------------------------


def test_a_secondary_candidate_gets_its_own_lookup_value() -> None:
    scan = classify("555-123-4567")

    assert scan.lookup_value(K.PHONE) == "5551234567"
    assert scan.lookup_value(K.SERIAL) == "555-123-4567"


def test_a_gs1_scan_looks_up_by_serial() -> None:
    scan = classify("]C1" + PAYLOAD)

    assert scan.lookup_value(K.GS1) == "SN1234"
    assert scan.lookup_value(K.SERIAL) == "SN1234"
    assert classify("9506000134352").lookup_value(K.SERIAL) == "9506000134352"


# --- Number formats and helpers --------------------------------------------------------------


def test_format_number_zero_pads_the_sequence_to_six_digits() -> None:
    assert format_number("BR01", "W", 2026, 123) == "BR01-W-2026-000123"
    assert format_number("MAIN", "C", 2026, 42) == "MAIN-C-2026-000042"
    assert format_number("BR01", "W", 2026, 12345678) == "BR01-W-2026-12345678"


@pytest.mark.parametrize(
    ("branch", "kind", "year", "seq"),
    [
        ("br01", "W", 2026, 1),
        ("B", "W", 2026, 1),
        ("1BR", "W", 2026, 1),
        ("BR01", "X", 2026, 1),
        ("BR01", "W", 26, 1),
        ("BR01", "C", 2026, -1),
    ],
)
def test_format_number_refuses_arguments_that_cannot_make_a_valid_number(
    branch: str, kind: str, year: int, seq: int
) -> None:
    with pytest.raises(ValueError):
        format_number(branch, kind, year, seq)  # type: ignore[arg-type]


def test_the_formats_accept_only_the_canonical_uppercase_form() -> None:
    assert WARRANTY_CODE_RE.match("BR01-W-2026-000123")
    assert CLAIM_NUMBER_RE.match("BR01-C-2026-000042")
    assert not WARRANTY_CODE_RE.match("br01-w-2026-000123")
    assert not WARRANTY_CODE_RE.match("BR01-W-2026-000123\n")
    assert not WARRANTY_CODE_RE.match("BR01-C-2026-000123")
    assert not CLAIM_NUMBER_RE.match("BR01-C-2026-00004")


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("BR01", True),
        ("MAIN", True),
        ("AB", True),
        ("ABCDEF", True),
        ("A", False),
        ("ABCDEFG", False),
        ("1BR", False),
        ("br01", False),
        ("BR-1", False),
        ("BR01\n", False),
    ],
)
def test_a_branch_code_is_two_to_six_capitals_or_digits_starting_with_a_letter(
    text: str, valid: bool
) -> None:
    assert is_branch_code(text) is valid
    assert (BRANCH_CODE_RE.match(text) is not None) is valid


def test_parse_number_splits_a_sloppy_code_into_its_parts() -> None:
    assert parse_number(" br01-w-2026-000123\r\n") == CodeParts("BR01", "W", 2026, 123)
    assert parse_number("MAIN-C-2025-000042") == CodeParts("MAIN", "C", 2025, 42)
    assert parse_number("SN12345678") is None
    assert parse_number("BR01-I-2026-000001") is None


# --- Properties ------------------------------------------------------------------------------


def assert_well_formed(scan: Scan, text: str) -> None:
    assert isinstance(scan, Scan)
    assert scan.raw == text
    if scan.kind is K.EMPTY:
        assert (scan.value, scan.candidates) == ("", ())
    else:
        assert scan.kind in scan.candidates
        assert scan.candidates[0] is scan.kind
        assert len(set(scan.candidates)) == len(scan.candidates)
        assert K.EMPTY not in scan.candidates


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_classify_never_raises_on_any_text_and_its_kind_is_a_candidate(text: str) -> None:
    assert_well_formed(classify(text), text)


@settings(max_examples=500, deadline=None)
@given(st.binary().map(lambda b: b.decode("latin-1")))
def test_classify_never_raises_on_any_byte_string_a_scanner_could_send(text: str) -> None:
    assert_well_formed(classify(text), text)


GS1_PREFIXES = st.sampled_from(
    ["", "]C1", "]d2", "]Q3", "]e0", "]E0", "]E4", "]", "]C", "(", "(01)", "01", "02", GS]
)


@settings(max_examples=500, deadline=None)
@given(
    GS1_PREFIXES,
    st.text(alphabet=st.sampled_from("0123456789()[]ABCxyz -+.#\x1d\r\n\x00\u00e9\u0663")),
)
def test_classify_never_raises_on_gs1_lookalikes(prefix: str, body: str) -> None:
    text = prefix + body
    assert_well_formed(classify(text), text)


BRANCHES = st.from_regex(r"[A-Z][A-Z0-9]{1,5}", fullmatch=True)
NOISE = st.sampled_from(["", " ", "\r", "\n", "\r\n", "\t", "  \r\n"])


@settings(deadline=None)
@given(
    BRANCHES,
    st.sampled_from(["W", "C"]),
    st.integers(1000, 9999),
    st.integers(0, 10**9),
    st.booleans(),
    NOISE,
    NOISE,
)
def test_a_code_is_recognised_however_it_is_cased_or_padded_and_is_idempotent(
    branch: str, kind: str, year: int, seq: int, lower: bool, before: str, after: str
) -> None:
    code = format_number(branch, "W" if kind == "W" else "C", year, seq)
    expected = K.WARRANTY_CODE if kind == "W" else K.CLAIM_NUMBER

    scan = classify(before + (code.lower() if lower else code) + after)

    assert (scan.kind, scan.value, scan.candidates) == (expected, code, (expected,))
    assert classify(scan.value).kind is scan.kind
    assert classify(scan.value).value == scan.value


@settings(deadline=None)
@given(
    st.from_regex(r"[1-9][0-9]{11}", fullmatch=True),
    st.from_regex(r"[A-Z0-9]{1,20}", fullmatch=True),
    st.from_regex(r"[A-Z0-9]{1,20}", fullmatch=True),
)
def test_any_valid_gtin_gives_the_same_fields_in_raw_prefixed_and_bracketed_forms(
    payload: str, serial: str, lot: str
) -> None:
    gtin = "0" + payload + gs1_check_digit(payload)
    forms = [
        f"01{gtin}21{serial}{GS}10{lot}",
        f"]C101{gtin}21{serial}{GS}10{lot}",
        f"]d201{gtin}10{lot}{GS}21{serial}",
        f"]Q301{gtin}21{serial}{GS}10{lot}\r\n",
        f"(01){gtin}(21){serial}(10){lot}",
    ]

    fields = {(s.kind, s.gtin, s.serial, s.lot, s.problem) for s in map(classify, forms)}

    assert fields == {(K.GS1, gtin, serial, lot, None)}


@settings(deadline=None)
@given(st.from_regex(r"[1-9][0-9]{11}", fullmatch=True))
def test_a_bare_ean_13_with_a_valid_check_digit_is_a_product_barcode(payload: str) -> None:
    ean = payload + gs1_check_digit(payload)

    scan = classify(ean)

    assert (scan.kind, scan.gtin, scan.serial) == (K.GS1, "0" + ean, None)


@pytest.mark.parametrize(("typed", "part"), [
    ("C-2026-000123", ClaimNumberPart(2026, 123)),
    ("c 2026 123", ClaimNumberPart(2026, 123)),
    ("C\u20132026\u2013000123", ClaimNumberPart(2026, 123)),  # en dashes from a pasted e-mail
    ("C-123", ClaimNumberPart(None, 123)),
    ("C123", ClaimNumberPart(None, 123)),
    ("123", ClaimNumberPart(None, 123)),
    (" 000123\r\n", ClaimNumberPart(None, 123)),
])
def test_the_end_of_a_claim_number_is_read_as_its_year_and_sequence(
        typed: str, part: ClaimNumberPart) -> None:
    assert partial_claim_number(typed) == part


@pytest.mark.parametrize("typed", ["", "0", "C-0", "1234567", "SN-4471", "BR01-C-2026-000123",
                                   "INV-123", "C-20-26", "Ⅻ"])
def test_text_that_is_no_end_of_a_claim_number_is_not_read_as_one(typed: str) -> None:
    assert partial_claim_number(typed) is None
