"""The patterns against the same patterns worked out here from the same rows a second way, and
the two exact tests against values computed by hand."""

from __future__ import annotations

import math
import random
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest

from warranty_desk.rules.metrics import patterns as pm
from warranty_desk.rules.metrics.patterns import (
    CUSTOMER,
    FAULT,
    LEVEL,
    MODEL,
    OVERRIDES,
    RATE_LEAST,
    REFUNDS,
    SERIAL,
    PatternClaim,
    PatternRows,
    Tally,
    binomial_tail,
    chance_words,
    fault_key,
    find_patterns,
    model_standouts,
    per_hundred,
    poisson_tail,
    staff_standouts,
)


def test_binomial_tail_matches_hand_worked_values() -> None:
    # Two or more heads in three fair tosses: 3/8 + 1/8.
    assert binomial_tail(2, 3, 0.5) == pytest.approx(0.5)
    # Five or more in ten at 0.1: 1 - (0.9^10 + 10·0.1·0.9^9 + 45·0.01·0.9^8
    # + 120·0.001·0.9^7 + 210·0.0001·0.9^6) = 1 - 0.9983650626 = 0.0016349374.
    assert binomial_tail(5, 10, 0.1) == pytest.approx(0.0016349374, rel=1e-8)
    assert binomial_tail(0, 10, 0.1) == 1.0
    assert binomial_tail(11, 10, 0.1) == 0.0
    assert binomial_tail(1, 10, 0.0) == 0.0


def test_binomial_tail_matches_exact_fractions_on_a_larger_count() -> None:
    n, k, p = 200, 25, Fraction(1, 20)
    exact = sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1))
    assert binomial_tail(k, n, 0.05) == pytest.approx(float(exact), rel=1e-9)


def test_poisson_tail_matches_hand_worked_values() -> None:
    # Three or more with one expected: 1 - e^-1 (1 + 1 + 1/2) = 1 - 2.5/e.
    assert poisson_tail(3, 1.0) == pytest.approx(1 - 2.5 / math.e, rel=1e-12)
    # Five or more with one expected: 1 - e^-1 (1 + 1 + 1/2 + 1/6 + 1/24) = 0.0036598468.
    assert poisson_tail(5, 1.0) == pytest.approx(0.0036598468, rel=1e-8)
    # Ten or more with two expected: 1 - e^-2 Σ_{i<10} 2^i/i!, summed here in fractions.
    below = sum(Fraction(2 ** i, math.factorial(i)) for i in range(10))
    assert poisson_tail(10, 2.0) == pytest.approx(1 - float(below) * math.exp(-2), rel=1e-6)
    assert poisson_tail(10, 2.0) == pytest.approx(4.6498e-5, rel=1e-3)
    assert poisson_tail(0, 3.0) == 1.0
    assert poisson_tail(1, 0.0) == 0.0


def test_poisson_tail_of_a_far_count_is_tiny_but_not_nothing() -> None:
    # 200 claims where 50 were expected: e^-50 Σ_{i≥200} 50^i/i!, its first term dominating.
    first = math.exp(-50 + 200 * math.log(50) - math.lgamma(201))
    assert first <= poisson_tail(200, 50.0) < first * 1.5


def test_chance_and_rate_words() -> None:
    assert chance_words(0.0009) == "less than 1 in 1,000"
    assert chance_words(3e-7) == "less than 1 in 1,000,000"
    assert chance_words(0.3) == "about 30 in 100"
    assert per_hundred(14, 100) == "14"
    assert per_hundred(3, 100) == "3"
    assert per_hundred(1, 40) == "2.5"
    assert per_hundred(1, 0) == "–"


def _claim(n: int, **more: str | None) -> PatternClaim:
    return PatternClaim(f"C-{n:03d}", **more)  # type: ignore[arg-type]


def _rows(claims: list[PatternClaim], models: tuple[Tally, ...] = (),
          overrides: tuple[Tally, ...] = (), refunds: tuple[Tally, ...] = (),
          behind: dict[tuple[str, str], tuple[str, ...]] | None = None) -> PatternRows:
    return PatternRows(tuple(claims), models, overrides, refunds, behind or {})


def test_a_serial_claimed_twice_is_a_pattern_naming_its_claims() -> None:
    rows = _rows([_claim(1, serial="SN123"), _claim(2, serial="SN123"), _claim(3, serial="SN9"),
                  _claim(4, serial=None), _claim(5, serial="  "), _claim(6, serial="  ")])
    found = [p for p in find_patterns(rows) if p.kind == SERIAL]
    assert [(p.subject, p.claims) for p in found] == [("SN123", ("C-001", "C-002"))]
    assert found[0].reason == "Serial SN123 claimed 2 times (claims C-001, C-002)."


def test_repeats_match_a_count_made_here_on_random_rows() -> None:
    rng = random.Random(19)
    claims = [_claim(n, serial=f"SN{rng.randrange(60)}", customer=f"K{rng.randrange(40)}",
                     customer_name=f"Name {n}", product=f"SKU-{rng.randrange(4)}",
                     fault=rng.choice(["Will not charge", " will NOT charge ", "Cracked"]))
              for n in range(150)]
    found = find_patterns(_rows(claims))
    serials = Counter(c.serial for c in claims)
    customers = Counter(c.customer for c in claims)
    faults = Counter((c.product, c.fault.strip().lower()) for c in claims)
    assert {p.subject: len(p.claims) for p in found if p.kind == SERIAL} == {
        s: n for s, n in serials.items() if n >= 2}
    assert sorted(len(p.claims) for p in found if p.kind == CUSTOMER) == sorted(
        n for n in customers.values() if n >= 3)
    assert sorted(len(p.claims) for p in found if p.kind == FAULT) == sorted(
        n for n in faults.values() if n >= 3)
    for p in found:
        assert p.claims == tuple(sorted(p.claims))
        assert p.reason.endswith(".") and "\n" not in p.reason


def test_the_same_fault_on_one_model_ignores_blanks_and_case() -> None:
    claims = [_claim(1, product="LAP-1", fault="Will not charge"),
              _claim(2, product="LAP-1", fault=" will NOT charge\n"),
              _claim(3, product="LAP-1", fault="WILL NOT CHARGE"),
              _claim(4, product="PHN-2", fault="Will not charge")]
    found = [p for p in find_patterns(_rows(claims)) if p.kind == FAULT]
    assert [p.claims for p in found] == [("C-001", "C-002", "C-003")]
    assert found[0].reason == ("Model LAP-1: “Will not charge” reported 3 times "
                               "(claims C-001, C-002, C-003).")
    assert fault_key("  Écran NOIR ") == "Écran noir"


def test_a_customer_needs_three_claims_and_is_named() -> None:
    claims = [_claim(n, customer="k1", customer_name="Ann <b>Lee</b>") for n in range(3)]
    claims += [_claim(10 + n, customer="k2", customer_name="Bo") for n in range(2)]
    found = [p for p in find_patterns(_rows(claims)) if p.kind == CUSTOMER]
    assert [p.subject for p in found] == ["Ann <b>Lee</b>"]
    assert found[0].reason == "Customer Ann <b>Lee</b> made 3 claims (claims C-000, C-001, C-002)."


def test_a_long_list_of_claims_names_five_and_counts_the_rest() -> None:
    claims = [_claim(n, serial="SN-1") for n in range(8)]
    (found,) = find_patterns(_rows(claims))
    assert found.reason.endswith("(claims C-000, C-001, C-002, C-003, C-004 and 3 more).")
    assert len(found.claims) == 8


def _by_hand_poisson(hits: int, base: int, rest_hits: int, rest_base: int) -> float:
    mean = base * Fraction(rest_hits, rest_base)
    below = sum(Fraction(float(mean)) ** i / math.factorial(i) for i in range(hits))
    return 1 - float(below) * math.exp(-float(mean))


def test_a_model_far_above_its_category_stands_out_with_the_test_in_words() -> None:
    models = (Tally("LAP-1", "laptops", 14, 100, "Lumen 14"),
              Tally("LAP-2", "laptops", 15, 500), Tally("LAP-3", "laptops", 15, 500),
              Tally("PHN-1", "phones", 30, 100), Tally("PHN-2", "phones", 3, 100))
    rows = _rows([], models, behind={(MODEL, "LAP-1"): ("C-2", "C-1")})
    found = [p for p in find_patterns(rows) if p.kind == MODEL]
    # LAP-1 against the rest of laptops, 30 in 1,000 (3 per 100): 3 expected, 14 seen.
    chance = _by_hand_poisson(14, 100, 30, 1000)
    assert chance == pytest.approx(3.4019e-6, rel=1e-4) and chance < LEVEL
    # PHN-1 is as far above PHN-2 (30 seen, 3 expected) and stands out too; PHN-2 is below.
    assert [p.subject for p in found] == ["PHN-1", "LAP-1"]
    lap = found[1]
    assert lap.chance == pytest.approx(chance, rel=1e-6)
    assert lap.claims == ("C-1", "C-2")
    assert lap.reason == ("Model LAP-1 (Lumen 14): 14 claims per 100 under warranty (14 on 100), "
                          "the rest of laptops 3 per 100; that many is less than 1 in 100,000 "
                          "likely by chance (one-sided exact Poisson test against its "
                          "category; flagged under 1 in 1,000 with 5 or more).")


def test_two_claims_on_three_sales_is_not_flagged() -> None:
    models = (Tally("NEW-1", "tvs", 2, 3), Tally("TV-2", "tvs", 3, 100))
    assert model_standouts(_rows([], models)) == ()
    # With as many claims as the test needs at the same rate, it is.
    models = (Tally("NEW-1", "tvs", RATE_LEAST, 8), Tally("TV-2", "tvs", 3, 100))
    assert [s.tally.subject for s in model_standouts(_rows([], models))] == ["NEW-1"]


def test_a_model_alone_in_its_category_is_compared_with_nothing() -> None:
    assert model_standouts(_rows([], (Tally("ODD-1", "odd", 50, 60),))) == ()


def test_a_staff_member_whose_refunds_stand_out_against_the_others() -> None:
    refunds = (Tally("Ann", "", 12, 40), Tally("Bo", "", 2, 40), Tally("Cy", "", 2, 40),
               Tally("Di", "", 1, 20))
    found = staff_standouts(refunds)
    assert [s.tally.subject for s in found] == ["Ann"]
    # Against the others' 5 in 100: P(X ≥ 12) for 40 decisions, summed here in fractions.
    p = Fraction(5, 100)
    exact = sum(math.comb(40, i) * p ** i * (1 - p) ** (40 - i) for i in range(12, 41))
    assert found[0].chance == pytest.approx(float(exact), rel=1e-9)
    rows = _rows([], refunds=refunds, behind={(REFUNDS, "Ann"): ("C-9",)})
    (pattern,) = [p for p in find_patterns(rows) if p.kind == REFUNDS]
    assert pattern.reason == ("Ann: 12 of 40 decisions were refunds (30 per 100), the other "
                              "staff 5 per 100; that many is less than 1 in 1,000,000 likely by "
                              "chance (one-sided exact binomial test against the other staff; "
                              "flagged under 1 in 1,000 with 5 or more).")
    assert pattern.claims == ("C-9",)


def test_overrides_need_enough_of_them_to_stand_out() -> None:
    few = (Tally("Ann", "", 4, 4), Tally("Bo", "", 0, 200))
    assert staff_standouts(few) == ()
    many = (Tally("Ann", "", 6, 10), Tally("Bo", "", 1, 200))
    rows = _rows([], overrides=many)
    assert [p.subject for p in find_patterns(rows) if p.kind == OVERRIDES] == ["Ann"]


def test_the_readme_states_each_rule_with_the_numbers_the_rules_use() -> None:
    text = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    words = {2: "two", 3: "three"}
    assert f"- Serial claimed again: a serial on {words[pm.SERIAL_LEAST]} or more claims." in text
    assert f"- Customer claiming often: a customer on {words[pm.CUSTOMER_LEAST]} or more" in text
    assert f"- Fault repeating on a model: {words[pm.FAULT_LEAST]} or more claims" in text
    times = f"less than 1 time in {round(1 / pm.LEVEL):,}"
    assert f"a model with at least {pm.RATE_LEAST} claims" in text
    assert text.count(times) >= 2 and times in pm.MODEL_TEST and times in pm.STAFF_TEST
    assert "one-sided exact Poisson test" in text and "one-sided exact binomial test" in text
