"""Whether a customer may start a claim online, by the till's own rules, said in plain words."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from portal.customers.claims import given_up
from portal.customers.models import OnlineClaim
from portal.projections.cover import standing
from portal.projections.models import Claim, Policy, Warranty
from warranty_desk.fault_presets import category_faults
from warranty_desk.rules.claim_limit import claim_limit_status
from warranty_desk.rules.claim_states import OPEN_STATES
from warranty_desk.rules.coverage import CoverStatus
from warranty_desk.rules.eligibility import claim_eligibility
from warranty_desk.rules.evidence import evidence_label

# Faults customers name most often, offered when the till's list has none for the category;
# "something else" is always there.
COMMON_FAULTS = ("Does not switch on", "Stopped charging or holding a charge",
                 "Makes a noise it did not make before", "A part is broken or loose",
                 "Works only some of the time", "Screen or display fault")
# What a claim asks for when head office holds no policy for the warranty.
DEFAULT_EVIDENCE = ("photo_of_fault", "serial_photo")
ONLINE_CLAIM_TYPE = "fault"  # what portal/customers/claims.py sends the till


@dataclass(frozen=True, slots=True)
class PolicyTerms:
    """What the policy on a warranty says that the customer needs to claim.

    `known` is False for a warranty whose till never sent its policy (tills from before the
    terms travelled, or a policy not sent yet): the exclusions are then the certificate's,
    the checklist a general one, and the claim limit the shop's to apply at the counter.
    """

    known: bool = False
    name: str = ""
    exclusions: tuple[str, ...] = ()
    evidence: tuple[str, ...] = DEFAULT_EVIDENCE  # what a claim asks for
    claim_limit: int | None = None
    limit_months: int = 12
    faults: tuple[str, ...] = COMMON_FAULTS


PolicyKey = tuple[int, str]  # (branch id, the till's policy ref)


def policies_for(warranties: list[Warranty]) -> dict[PolicyKey, Policy]:
    """The policies of these warranties, in one query however many warranties there are."""
    refs = {w.policy_ref for w in warranties if w.policy_ref}
    branches = {w.branch_id for w in warranties if w.policy_ref}
    return {(p.branch_id, p.ref): p
            for p in Policy.objects.filter(branch_id__in=branches, ref__in=refs)}


def terms_of(warranty: Warranty, policies: dict[PolicyKey, Policy] | None = None
             ) -> PolicyTerms:
    """The terms head office holds for this warranty's policy, as its till last sent them,
    with the till's common faults for the unit's category (give `policies` from
    policies_for when judging many)."""
    faults = category_faults(warranty.category) or COMMON_FAULTS
    if policies is None:
        policies = policies_for([warranty])
    policy = policies.get((warranty.branch_id, warranty.policy_ref))
    if policy is None:
        return PolicyTerms(faults=faults)
    # A policy that asks for nothing still takes the customer's photos: the general ones.
    evidence = policy.evidence_required.get(ONLINE_CLAIM_TYPE) or DEFAULT_EVIDENCE
    return PolicyTerms(True, policy.name, tuple(policy.exclusions),
                       tuple(str(kind) for kind in evidence), policy.claim_limit_count,
                       policy.claim_limit_period_months, faults)


def exclusion_words(warranty: Warranty, terms: PolicyTerms) -> list[str]:
    """What the cover does not include, one plain sentence each."""
    if terms.exclusions:
        return [f"Not covered: {item}" if not item.lower().startswith("not ") else item
                for item in terms.exclusions]
    shop = warranty.branch.name or warranty.branch.code
    if terms.known:
        return [f"The policy {terms.name} lists no exclusions; the certificate {shop} gave "
                "you at the sale has the full terms."]
    return [f"What this warranty does not cover is listed on the certificate {shop} gave you "
            "at the sale; ask them for a copy if you do not have it. (Head office has not "
            "received this warranty's policy from the shop, so it cannot list it here.)"]


def checklist(terms: PolicyTerms) -> list[tuple[str, str]]:
    """The evidence the claim asks for: (kind, words); the receipt when the policy asks for
    nothing else (the claim form always takes one)."""
    return [(kind, evidence_label(kind)) for kind in terms.evidence or ("proof_of_purchase",)]


def terms_note(warranty: Warranty, terms: PolicyTerms) -> str:
    """Said on Start a claim when the checklist and limit are not the policy's own."""
    if terms.known:
        return ""
    return (f"Head office has not received this warranty's policy from {_shop(warranty)}: "
            "the faults and photos asked for here are general ones, and the shop checks the "
            "policy's own terms when it registers the claim.")


@dataclass(frozen=True, slots=True)
class Verdict:
    """May a claim be started online; if not, why and what the customer can do."""

    eligible: bool
    reasons: list[str] = field(default_factory=list)
    what_to_do: str = ""
    open_claim: Claim | OnlineClaim | None = None


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What the eligibility rule needs to know of a unit's claims."""

    earlier: list[date]  # the days its claims were opened
    open_claim: Claim | OnlineClaim | None


def facts_for(warranties: list[Warranty], claims: Iterable[Claim] | None = None,
              waiting: Iterable[OnlineClaim] | None = None) -> dict[int, ClaimFacts]:
    """Each warranty's claim facts, in two queries however many warranties there are; none
    when the page read them already: `claims` holding every claim on these warranties,
    newest first (others are passed over), `waiting` the claims started here on them not yet
    numbered (claims.waiting_claims, with `refused`)."""
    ids = [w.pk for w in warranties]
    if claims is None:
        claims = (Claim.objects.select_related("branch").filter(warranty_id__in=ids)
                  .order_by("-opened_at"))
    if waiting is None:
        waiting = (OnlineClaim.objects.select_related("branch")
                   .filter(warranty_id__in=ids, claim=None).annotate(refused=given_up()))
    wanted = set(ids)
    earlier: dict[int, list[date]] = defaultdict(list)
    opened: dict[int, Claim | OnlineClaim] = {}
    for claim in claims:
        if claim.warranty_id not in wanted:
            continue
        if claim.opened_at is not None:
            earlier[claim.warranty_id].append(claim.opened_at.date())
        if claim.state in OPEN_STATES:
            opened.setdefault(claim.warranty_id, claim)
    # Started here and not yet numbered by the branch: open all the same.
    # A claim the branch gave up is not open: the customer may start another.
    for online in waiting:
        if online.warranty_id in wanted and not getattr(online, "refused", False):
            opened.setdefault(online.warranty_id, online)
    return {pk: ClaimFacts(earlier[pk], opened.get(pk)) for pk in ids}


def _shop(warranty: Warranty) -> str:
    return warranty.branch.name or f"branch {warranty.branch.code}"


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "an unknown date"


def verdict(warranty: Warranty, today: date, terms: PolicyTerms | None = None,
            facts: ClaimFacts | None = None) -> Verdict:
    """Whether a claim may be started on this warranty today (prefetch `layers`, `branch`;
    give `facts` from facts_for when judging many)."""
    terms = terms or terms_of(warranty)
    shop = _shop(warranty)
    where = standing(warranty, today)
    if where.status == "replaced":
        new = f" (warranty {warranty.replaced_by})" if warranty.replaced_by else ""
        return Verdict(False, [f"This unit was replaced by a new one{new}; its cover ended "
                               "with the replacement."],
                       "Start a claim on the new unit instead: it has a card of its own here.")
    if where.status == "void":
        why = (f" The shop's reason: {warranty.void_reason}" if warranty.void_reason
               else " The shop did not give a reason here.")
        return Verdict(False, ["The shop made this warranty void, so it no longer covers "
                               "the unit." + why],
                       f"If you think this is a mistake, contact {shop}. A repair outside "
                       "the warranty may still be possible for a fee.")
    if where.coverage is None:
        return Verdict(False, ["Head office does not have the cover dates of this warranty."],
                       f"Take the unit and your receipt to {shop}; they can start the claim.")
    coverage = where.coverage
    facts = facts or facts_for([warranty])[warranty.pk]
    limit = claim_limit_status(terms.claim_limit, terms.limit_months, facts.earlier, today)
    opened = facts.open_claim
    number = (opened.number if isinstance(opened, Claim) else "started online"
              ) if opened is not None else None
    rule = claim_eligibility(coverage, limit, number)
    if rule.eligible:
        return Verdict(True)
    reasons: list[str] = []
    todo = ""
    if opened is not None:
        reasons.append("A claim on this unit is already open.")
        todo = "Follow that claim below; add photos or papers to it on its documents page."
    if coverage.awaits_delivery:
        reasons.append("Its cover starts on delivery, and the shop has not recorded the "
                       "order delivered yet.")
        todo = todo or (f"If the order has reached you, tell {shop}: they record the delivery "
                        "and the cover starts that day.")
    elif coverage.status is CoverStatus.NOT_STARTED:
        reasons.append("Its cover has not started yet.")
        todo = todo or f"Contact {shop}: until the cover starts, they handle faults as a sale."
    if coverage.status is CoverStatus.EXPIRED:
        reasons.append(f"The warranty expired: cover ended on {_day(coverage.ends_on)}.")
        todo = todo or (f"{shop} may still repair it for a fee, and the law may give you "
                        "rights beyond the warranty: ask them.")
    if limit.exceeded and limit.limit is not None:
        reasons.append(f"The claim limit is reached: {limit.used} of {limit.limit} claims in "
                       f"the last {limit.period_months} months.")
        todo = todo or f"Contact {shop}: a manager can decide whether to take one more."
    return Verdict(False, reasons, todo or f"Contact {shop} about this unit.", opened)
