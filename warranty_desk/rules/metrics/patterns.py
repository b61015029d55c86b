"""Patterns the owner should see: repeated serials, customers and faults, and the models and
staff members whose rates stand well above their peers', each with a one-sentence reason."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SERIAL, MODEL, CUSTOMER, OVERRIDES, REFUNDS, FAULT = (
    "serial", "model", "customer", "overrides", "refunds", "fault")
KINDS = (SERIAL, MODEL, CUSTOMER, OVERRIDES, REFUNDS, FAULT)
# Each kind in a few words, as the dashboard and the report head it.
KIND_WORDS = {SERIAL: "Serial claimed again", MODEL: "Model above its category",
              CUSTOMER: "Customer claiming often", OVERRIDES: "Staff overrides",
              REFUNDS: "Staff refunds", FAULT: "Fault repeating on a model"}
# A serial claimed a second time is already worth a look: one unit, two faults.
SERIAL_LEAST = 2
# Two claims from one household buying several products are ordinary; three in a range are not.
CUSTOMER_LEAST = 3
# The same words on one model three times is a fault that repeats, not a coincidence of two.
FAULT_LEAST = 3
# A rate test needs claims (or overrides, refunds) to stand on: 2 claims out of 3 sales is a
# high rate but says nothing yet.
RATE_LEAST = 5
# How unlikely by chance a count must be to stand out: less than 1 in 1,000.
LEVEL = 0.001
# A reason lists at most this many claim numbers; the pattern opens every one.
NAMED = 5

MODEL_TEST = (
    f"A model is flagged when it has at least {RATE_LEAST} claims in the range and, had its "
    "units under warranty claimed at the rate of the other models of its category, that many "
    f"claims or more would come up less than 1 time in {round(1 / LEVEL):,} (a one-sided "
    "exact Poisson test).")
STAFF_TEST = (
    f"A staff member is flagged when at least {RATE_LEAST} of their claim steps needed a "
    f"manager's override, or {RATE_LEAST} of their decisions were refunds, and at the other "
    "staff's rate that many or more would come up less than 1 time in "
    f"{round(1 / LEVEL):,} (a one-sided exact binomial test).")

# The same tests in a few words, said with each model or staff member flagged.
_BAR = f"flagged under 1 in {round(1 / LEVEL):,} with {RATE_LEAST} or more"
MODEL_TEST_SHORT = f"one-sided exact Poisson test against its category; {_BAR}"
STAFF_TEST_SHORT = f"one-sided exact binomial test against the other staff; {_BAR}"


@dataclass(frozen=True, slots=True)
class PatternClaim:
    """One claim opened in the range, as the repeat patterns read it."""

    number: str
    serial: str | None = None
    customer: str | None = None  # a stable key for the customer; None when not recorded
    customer_name: str = ""
    product: str = ""  # the model's SKU
    fault: str = ""


@dataclass(frozen=True, slots=True)
class Tally:
    """How often something happened for one subject, out of how many chances, within a group
    it is compared against (a model within its category; a staff member among all staff)."""

    subject: str  # the model's SKU, or the staff member's name
    group: str  # the category; "" when every subject is compared with every other
    hits: int  # claims, overrides or refunds
    base: int  # units under warranty, claim steps or decisions
    label: str = ""  # the model's name


@dataclass(frozen=True, slots=True)
class Standout:
    """A tally whose rate stands well above the rest of its group's."""

    tally: Tally
    rest_hits: int
    rest_base: int
    chance: float  # how likely that many hits or more are at the rest's rate


@dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern highlighted, with the claims behind it."""

    kind: str
    subject: str  # the serial, model, customer, staff member or model and fault
    reason: str  # one sentence in plain words
    claims: tuple[str, ...]  # the claim numbers behind it, sorted
    chance: float | None = None  # for a rate test: how likely by chance


# The fault text compared ignoring surrounding blanks and the case of A–Z (as SQLite's
# trim and lower do, so the rows read in SQL group the same way).
_BLANKS = " \t\n\r\x0b\x0c"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fault_key(fault: str) -> str:
    """A fault's words as they are compared: without surrounding blanks, A–Z in lower case."""
    return fault.strip(_BLANKS).translate(_ASCII_LOWER)


def poisson_tail(k: int, mean: float) -> float:
    """The chance of k or more events when mean are expected (Poisson): P(X ≥ k)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if k <= mean:  # the tail is large: one minus the few terms below k
        term = math.exp(-mean)
        below = 0.0
        for i in range(k):
            below += term
            term *= mean / (i + 1)
        return max(0.0, 1.0 - below)
    term = math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))
    tail, i = 0.0, k
    while term > tail * 1e-17:
        tail += term
        i += 1
        term *= mean / i
    return min(1.0, tail)


def binomial_tail(k: int, n: int, p: float) -> float:
    """The chance of k or more successes in n tries each succeeding with chance p: P(X ≥ k)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0:
        return 0.0
    if p >= 1:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    tail = sum(math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
                        + i * log_p + (n - i) * log_q) for i in range(k, n + 1))
    return min(1.0, tail)


def chance_words(chance: float) -> str:
    """How likely by chance, in words: "less than 1 in 1,000" (or 10,000 ... 1,000,000)."""
    for times in (1_000_000, 100_000, 10_000, 1_000, 100, 10):
        if chance < 1 / times:
            return f"less than 1 in {times:,}"
    return f"about {round(chance * 100)} in 100"


def per_hundred(hits: int, base: int) -> str:
    """A rate per 100 as a person reads it: whole above 10, else to one decimal."""
    if base <= 0:
        return "–"
    value = 100 * hits / base
    text = f"{value:.0f}" if value >= 10 else f"{value:.1f}"
    return text.removesuffix(".0")


def standouts(tallies: Iterable[Tally], *, exact_binomial: bool) -> tuple[Standout, ...]:
    """The tallies with at least RATE_LEAST hits whose count, at the rate of the rest of their
    group, is less likely than LEVEL (binomial: each chance hit or not; else Poisson: hits per
    unit of base); a tally with nobody else in its group is compared with nothing."""
    found = list(tallies)
    hits: dict[str, int] = defaultdict(int)
    base: dict[str, int] = defaultdict(int)
    for t in found:
        hits[t.group] += t.hits
        base[t.group] += t.base
    out = []
    for t in found:
        rest_hits, rest_base = hits[t.group] - t.hits, base[t.group] - t.base
        if t.hits < RATE_LEAST or t.base <= 0 or rest_base <= 0:
            continue
        if t.hits * rest_base <= rest_hits * t.base:  # not above the rest at all
            continue
        rest_rate = rest_hits / rest_base
        chance = (binomial_tail(t.hits, t.base, rest_rate) if exact_binomial
                  else poisson_tail(t.hits, t.base * rest_rate))
        if chance < LEVEL:
            out.append(Standout(t, rest_hits, rest_base, chance))
    return tuple(sorted(out, key=lambda s: (s.chance, s.tally.subject)))


def _named(numbers: tuple[str, ...]) -> str:
    shown = ", ".join(numbers[:NAMED])
    more = len(numbers) - NAMED
    return f"claims {shown}" + (f" and {more} more" if more > 0 else "")


def _repeats(claims: Iterable[PatternClaim], key: str, least: int
             ) -> list[tuple[str, tuple[PatternClaim, ...]]]:
    groups: dict[str, list[PatternClaim]] = defaultdict(list)
    for c in claims:
        value = getattr(c, key)
        if value is not None and value.strip(_BLANKS):
            groups[value].append(c)
    found = [(value, tuple(sorted(group, key=lambda c: c.number)))
             for value, group in groups.items() if len({c.number for c in group}) >= least]
    return sorted(found, key=lambda g: (-len(g[1]), g[0]))


def serial_patterns(claims: Iterable[PatternClaim]) -> list[Pattern]:
    """A serial claimed SERIAL_LEAST times or more in the range."""
    out = []
    for serial, group in _repeats(claims, "serial", SERIAL_LEAST):
        numbers = tuple(c.number for c in group)
        out.append(Pattern(SERIAL, serial, f"Serial {serial} claimed {len(numbers)} times "
                                           f"({_named(numbers)}).", numbers))
    return out


def customer_patterns(claims: Iterable[PatternClaim]) -> list[Pattern]:
    """A customer with CUSTOMER_LEAST claims or more opened in the range."""
    out = []
    for _key, group in _repeats(claims, "customer", CUSTOMER_LEAST):
        numbers = tuple(c.number for c in group)
        name = group[0].customer_name or "not named"
        out.append(Pattern(CUSTOMER, name, f"Customer {name} made {len(numbers)} claims "
                                           f"({_named(numbers)}).", numbers))
    return out


def fault_patterns(claims: Iterable[PatternClaim]) -> list[Pattern]:
    """The same fault (fault_key) reported FAULT_LEAST times or more on one model."""
    groups: dict[tuple[str, str], list[PatternClaim]] = defaultdict(list)
    for c in claims:
        if c.product and fault_key(c.fault):
            groups[(c.product, fault_key(c.fault))].append(c)
    out = []
    for (product, _key), group in groups.items():
        if len(group) < FAULT_LEAST:
            continue
        group.sort(key=lambda c: c.number)
        numbers = tuple(c.number for c in group)
        words = group[0].fault.strip(_BLANKS)
        out.append(Pattern(FAULT, f"{product}: {words}",
                           f"Model {product}: “{words}” reported {len(numbers)} times "
                           f"({_named(numbers)}).", numbers))
    return sorted(out, key=lambda p: (-len(p.claims), p.subject))


def model_patterns(found: Iterable[Standout], claims_of: Mapping[str, tuple[str, ...]]
                   ) -> list[Pattern]:
    """Models whose claims per unit under warranty stand out from their category's others."""
    out = []
    for s in found:
        t = s.tally
        name = f" ({t.label})" if t.label and t.label != t.subject else ""
        out.append(Pattern(
            MODEL, t.subject,
            f"Model {t.subject}{name}: {per_hundred(t.hits, t.base)} claims per 100 under "
            f"warranty ({t.hits} on {t.base:,}), the rest of {t.group or 'its category'} "
            f"{per_hundred(s.rest_hits, s.rest_base)} per 100; that many is "
            f"{chance_words(s.chance)} likely by chance ({MODEL_TEST_SHORT}).",
            tuple(sorted(claims_of.get(t.subject, ()))), s.chance))
    return out


def staff_patterns(kind: str, found: Iterable[Standout],
                   claims_of: Mapping[str, tuple[str, ...]]) -> list[Pattern]:
    """Staff members whose overrides (kind OVERRIDES) or refunds (REFUNDS) stand out."""
    what = ("claim steps needed a manager's override" if kind == OVERRIDES
            else "decisions were refunds")
    out = []
    for s in found:
        t = s.tally
        out.append(Pattern(
            kind, t.subject,
            f"{t.subject}: {t.hits} of {t.base} {what} ({per_hundred(t.hits, t.base)} per "
            f"100), the other staff {per_hundred(s.rest_hits, s.rest_base)} per 100; that many "
            f"is {chance_words(s.chance)} likely by chance ({STAFF_TEST_SHORT}).",
            tuple(sorted(claims_of.get(t.subject, ()))), s.chance))
    return out


@dataclass(frozen=True, slots=True)
class PatternRows:
    """What the patterns read for one range and filters."""

    claims: tuple[PatternClaim, ...]  # claims opened in the range that may repeat
    models: tuple[Tally, ...]  # per model: claims opened, on units under warranty
    overrides: tuple[Tally, ...]  # per staff member: steps with an override, of their steps
    refunds: tuple[Tally, ...]  # per staff member: refunds, of their decisions
    # The claims behind each rate that stands out, by (kind, subject).
    behind: Mapping[tuple[str, str], tuple[str, ...]]


def model_standouts(rows: PatternRows) -> tuple[Standout, ...]:
    """The models whose claims stand out from their category's (Poisson: claims per unit)."""
    return standouts(rows.models, exact_binomial=False)


def staff_standouts(tallies: Iterable[Tally]) -> tuple[Standout, ...]:
    """The staff whose overrides or refunds stand out (binomial: each step one chance)."""
    return standouts(tallies, exact_binomial=True)


def find_patterns(rows: PatternRows) -> tuple[Pattern, ...]:
    """Every pattern in the rows: serials, models, customers, staff, then faults."""
    def behind(kind: str) -> dict[str, tuple[str, ...]]:
        return {subject: numbers for (k, subject), numbers in rows.behind.items() if k == kind}

    return (*serial_patterns(rows.claims),
            *model_patterns(model_standouts(rows), behind(MODEL)),
            *customer_patterns(rows.claims),
            *staff_patterns(OVERRIDES, staff_standouts(rows.overrides), behind(OVERRIDES)),
            *staff_patterns(REFUNDS, staff_standouts(rows.refunds), behind(REFUNDS)),
            *fault_patterns(rows.claims))
