"""The customer's own pages: warranty cards, starting a claim, its timeline and documents."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal import clock
from portal.customers import claims, returns
from portal.customers.certificate import certificate_pdf
from portal.customers.claims import FAULT_LIMIT, FAULT_MIN, started_claims
from portal.customers.eligibility import (
    ClaimFacts,
    PolicyKey,
    Verdict,
    checklist,
    exclusion_words,
    facts_for,
    policies_for,
    terms_note,
    terms_of,
    verdict,
)
from portal.customers.identity import Records, customer_ids, customers_of
from portal.customers.models import CustomerAccount
from portal.customers.timeline import next_words, started_step, step_name, steps
from portal.customers.uploads import MAX_FILES, Refusal, check_all
from portal.projections.cover import Standing, standing
from portal.projections.models import Claim, Policy, Warranty, WarrantyLayer
from portal.public.views import LAYER_NAMES
from portal.receiver import documents as stored
from portal.webshop.customer import waiting_orders
from warranty_desk import card_numbers
from warranty_desk.rules.document_types import MAX_BYTES
from warranty_desk.rules.evidence import evidence_label

View = Callable[..., HttpResponse]
# What a customer may add to an open claim.
DOC_KINDS = ("photo_of_fault", "damage_photos", "serial_photo", "proof_of_purchase")


def signed_in_account(request: HttpRequest) -> CustomerAccount | None:
    """The signed-in customer's account; None for anyone else. Read through the user, so the
    page's menu (`user.customer_account` in customers/base.html) finds it without a query."""
    if not request.user.is_authenticated:
        return None
    try:
        found: CustomerAccount = request.user.customer_account
    except CustomerAccount.DoesNotExist:
        return None
    return found


def customer_page(view: Callable[..., HttpResponse]) -> View:
    """Signed-in customers only: anyone else is asked for a code (staff too)."""
    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        account = signed_in_account(request)
        if account is None:
            return redirect("account_request_login_code")
        return view(request, account, *args, **kwargs)
    return never_cache(guarded)


def own_warranties(account: CustomerAccount, records: Records | None = None) -> list[Warranty]:
    """The account's warranties in every branch, newest sale first (give `records` from
    customer_ids when the page has them)."""
    return list(Warranty.objects.select_related("product", "branch")
                .prefetch_related("layers")
                .filter(customer__in=customers_of(account) if records is None else records)
                .exclude(status="")
                .order_by("-start_on", "branch__code", "code"))


def own_warranty(account: CustomerAccount, branch: str, code: str) -> Warranty:
    """One of the account's warranties; 404 for anyone else's (or none)."""
    found = (Warranty.objects.select_related("product", "branch").prefetch_related("layers")
             .filter(customer__in=customers_of(account), branch__code=branch.upper(),
                     code=code.upper()).exclude(status="").first())
    if found is None:
        raise Http404("No such warranty among yours.")
    return found


@dataclass(frozen=True)
class Card:
    """What one warranty card shows."""

    warranty: Warranty
    standing: Standing
    layers: list[tuple[str, WarrantyLayer, bool]]  # name, layer, running today
    exclusions: list[str]
    verdict: Verdict
    replacement: Warranty | None = None  # the own unit that replaced this one

    @property
    def sold_on(self) -> date | None:
        """The sale day: the first day of cover the till recorded."""
        starts = [layer.start_on for _, layer, _ in self.layers]
        return min(starts) if starts else self.warranty.start_on


def card(warranty: Warranty, today: date, facts: ClaimFacts,
         replacement: Warranty | None = None,
         policies: dict[PolicyKey, Policy] | None = None) -> Card:
    """The card of one warranty as it stands today."""
    terms = terms_of(warranty, policies)
    return Card(warranty, standing(warranty, today),
                [(LAYER_NAMES.get(layer.kind, layer.kind.title()), layer,
                  layer.start_on <= today <= layer.end_on) for layer in warranty.layers.all()],
                exclusion_words(warranty, terms), verdict(warranty, today, terms, facts),
                replacement)


def _cards(warranties: list[Warranty], today: date, facts: dict[int, ClaimFacts]
           ) -> list[Card]:
    by_code = {(w.branch_id, w.code): w for w in warranties}
    policies = policies_for(warranties)
    return [card(w, today, facts[w.pk], by_code.get((w.branch_id, w.replaced_by)), policies)
            for w in warranties]


@require_GET
@customer_page
def products(request: HttpRequest, account: CustomerAccount) -> HttpResponse:
    """My products: every registered product as a warranty card, and the customer's claims.

    The customer's records are read once, so the claims listed and those the cards judge
    eligibility by come in one query (as do the claims started here), however many products.
    """
    today = clock.today()
    records = customer_ids(account)
    warranties = own_warranties(account, records)
    # The customer's own claims, and any claim on one of their units (the cards count those).
    found = list(Claim.objects.select_related("branch", "warranty__product")
                 .filter(Q(customer__in=records) | Q(warranty__in=[w.pk for w in warranties]))
                 .order_by("-opened_at"))
    waiting = claims.waiting_claims(account, records)
    mine = set(records)
    return render(request, "customers/products.html", {
        "account": account, "today": today,
        "cards": _cards(warranties, today, facts_for(warranties, found, waiting)),
        "orders": waiting_orders(account.email),
        "started": started_claims(account, waiting),
        "claims": [(c, step_name(c.state)[0]) for c in found if c.customer_id in mine]})


def _upload_fields(request: HttpRequest, kinds: list[str]) -> list[tuple[str, UploadedFile]]:
    return [(kind, f) for kind in kinds for f in request.FILES.getlist(kind)]


@require_http_methods(["GET", "POST"])
@customer_page
def start_claim(request: HttpRequest, account: CustomerAccount, branch: str, code: str
                ) -> HttpResponse:
    """Start a claim on an eligible product: the fault, the evidence, where to bring it."""
    return _claim_form(request, account, own_warranty(account, branch, code), returning=False)


@require_http_methods(["GET", "POST"])
@customer_page
def return_it(request: HttpRequest, account: CustomerAccount, branch: str, code: str
              ) -> HttpResponse:
    """Return a faulty unit bought online: the claim's form, what the customer would like,
    and where they send it from; the label follows once the return is approved."""
    warranty = own_warranty(account, branch, code)
    if not returns.returnable(warranty):
        raise Http404("This product was not bought online: bring it to the shop instead.")
    return _claim_form(request, account, warranty, returning=True)


def _claim_form(request: HttpRequest, account: CustomerAccount, warranty: Warranty, *,
                returning: bool) -> HttpResponse:
    terms = terms_of(warranty)
    found = verdict(warranty, clock.today(), terms)
    kinds = [kind for kind, _ in checklist(terms)]
    if "proof_of_purchase" not in kinds:
        kinds.append("proof_of_purchase")
    context: dict[str, object] = {
        "warranty": warranty, "verdict": found, "faults": terms.faults,
        "checklist": checklist(terms), "kinds": kinds, "max_files": MAX_FILES,
        "max_mb": MAX_BYTES // 1024 // 1024, "fault_limit": FAULT_LIMIT,
        "chosen": "", "other": "", "terms_note": terms_note(warranty, terms),
        "returning": returning, "outcomes": returns.OUTCOMES, "outcome": "",
        "sender_name": "", "sender_address": ""}
    if request.method != "POST" or not found.eligible:
        return render(request, "customers/start_claim.html", context)
    chosen = str(request.POST.get("fault", ""))
    # A card number pasted into the description is masked before anything keeps it.
    other = card_numbers.masked(str(request.POST.get("other", "")).strip())
    # A listed fault, with the customer's own words after it when they gave some.
    fault = ". ".join(part for part in (chosen if chosen in terms.faults else "", other)
                      if part)
    errors: list[str] = []
    if not fault:
        errors.append("Say what is wrong: choose a fault, or choose \"Something else\" and "
                      "describe it in the box.")
    elif len(fault) < FAULT_MIN:
        errors.append("Say a little more about what is wrong: a few words, so the shop knows "
                      "what to look at.")
    elif len(fault) > FAULT_LIMIT:
        # Refused whole, never cut: the customer's own words are kept as written or not at all.
        errors.append(f"The description is {len(other)} characters long; keep it under "
                      f"{FAULT_LIMIT - len(fault) + len(other)} and send again (the shop "
                      "will ask for more if they need it).")
    asked: claims.ReturnAsked | None = None
    if returning:
        asked, wrong = returns.read_return({k: str(request.POST.get(k, "")) for k in (
            "outcome", "sender_name", "sender_address")})
        errors += wrong
        context.update(outcome=asked.outcome, sender_name=asked.sender_name,
                       sender_address=asked.sender_address)
    files, refusals = check_all(_upload_fields(request, kinds))
    errors += refusals
    if errors:
        context.update(errors=errors, chosen=chosen, other=other)
        return render(request, "customers/start_claim.html", context, status=400)
    try:
        online = claims.start(account, warranty, fault, files, asked)
    except Refusal as exc:
        context.update(errors=[str(exc)], chosen=chosen, other=other)
        return render(request, "customers/start_claim.html", context, status=400)
    return redirect("customers:claim", online.branch.code, online.item_id)


def _replacement(account: CustomerAccount, warranty: Warranty) -> Warranty | None:
    if not warranty.replaced_by:
        return None
    return (Warranty.objects.select_related("product", "branch")
            .filter(customer__in=customers_of(account), branch_id=warranty.branch_id,
                    code=warranty.replaced_by).exclude(status="").first())


def refused_words(own: claims.OwnClaim) -> tuple[str, str, str]:
    """What the claim page says of an online claim the shop could not register: the title,
    why, and what to do."""
    branch = own.branch
    shop = f"{branch.name} (branch {branch.code})" if branch.name else f"branch {branch.code}"
    return ("Not registered by the shop",
            f"{shop} could not register this claim from here. Their till said: "
            f"\u201c{own.refused}\u201d",
            f"Call or visit {shop} with the unit and your receipt: they will start the claim "
            "with you. Nothing you sent here is lost.")


def downloads(account: CustomerAccount, own: claims.OwnClaim) -> list[tuple[str, str]]:
    """What a settled claim offers to download: (words, URL); nothing before it is settled."""
    warranty = own.warranty
    if own.state != "resolved" or warranty is None or not warranty.status:
        return []
    found = []
    new = _replacement(account, warranty)
    if new is not None:
        found.append(("The warranty certificate of your replacement unit (PDF)",
                      reverse("customers:certificate", args=[new.branch.code, new.code])))
    found.append(("The warranty certificate (PDF)" if new is None
                  else "The certificate of the unit you claimed on (PDF)",
                  reverse("customers:certificate", args=[warranty.branch.code, warranty.code])))
    return found


@require_GET
@customer_page
def claim(request: HttpRequest, account: CustomerAccount, branch: str, number: str
          ) -> HttpResponse:
    """One of the customer's claims: each step with its date and plain wording."""
    own = claims.own_claim(account, branch, number)
    if own.claim is not None and own.ref.lower() != number.lower():
        return redirect("customers:claim", own.branch.code, own.ref)
    title, wording = step_name(own.state)
    then = next_words(own.state)
    if own.refused:
        title, wording, then = refused_words(own)
    title, wording, then = returns.now_words(own) or (title, wording, then)
    found = own.claim
    shown = steps(found, found.messages.all()) if found is not None else []
    if not shown and own.online is not None:
        shown = [started_step(own.online.created_at)]
    if returns.is_return(own):
        shown = returns.return_steps(own, shown)
    warranty = own.warranty
    return render(request, "customers/claim.html", {
        "own": own, "claim": found, "online": own.online, "warranty": warranty,
        "now_title": title, "now_wording": wording,
        "next": then,
        "steps": shown, "documents": claims.documents_of(own),
        "downloads": downloads(account, own), "label": returns.label_of(own) is not None,
        "fault": found.fault if found is not None else own.online.fault if own.online else ""})


@require_http_methods(["GET", "POST"])
@customer_page
def documents(request: HttpRequest, account: CustomerAccount, branch: str, number: str
              ) -> HttpResponse:
    """What was added to a claim and by whom; add evidence while it is open."""
    own = claims.own_claim(account, branch, number)
    listed = claims.documents_of(own)
    context: dict[str, object] = {
        "own": own, "documents": listed, "kinds": [(k, evidence_label(k)) for k in DOC_KINDS],
        "max_files": MAX_FILES, "max_mb": MAX_BYTES // 1024 // 1024, "kind": ""}
    if request.method != "POST":
        return render(request, "customers/documents.html", context)
    kind = str(request.POST.get("kind", ""))
    errors: list[str] = []
    if not own.is_open:
        errors.append("This claim is closed, so nothing more can be added to it. If you have "
                      "something new, contact the shop.")
    elif kind not in DOC_KINDS:
        errors.append("Choose what the file shows, then send it again.")
    else:
        chosen = request.FILES.getlist("files")
        if not chosen:
            errors.append("Choose a photo or a PDF to add (or take a photo), then send.")
        files, refusals = check_all([(kind, f) for f in chosen],
                                    already=sum(1 for d in listed if d.by == "you"))
        errors += refusals
        if not errors:
            try:
                claims.add_documents(account, own, files)
            except Refusal as exc:
                errors.append(str(exc))
    if errors:
        context.update(errors=errors, kind=kind)
        return render(request, "customers/documents.html", context, status=400)
    messages.success(request, "Added: your files are on their way to the shop.")
    return redirect("customers:documents", own.branch.code, own.ref)


def attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    """A download, never shown inline nor sniffed; its file name from the till's or the
    customer's words, kept to plain characters so it cannot bend the header."""
    answer = HttpResponse(data, content_type=content_type)
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    answer["Content-Disposition"] = f'attachment; filename="{plain}"'
    answer["X-Content-Type-Options"] = "nosniff"
    return answer


@require_GET
@customer_page
def document(request: HttpRequest, account: CustomerAccount, branch: str, number: str,
             sha256: str) -> HttpResponse:
    """One document of the claim, as a download: never shown from this site's own origin."""
    own = claims.own_claim(account, branch, number)
    found = next((d for d in claims.documents_of(own) if d.sha256 == sha256), None)
    data = stored.read(own.branch, sha256) if found is not None else None
    if found is None or data is None:
        raise Http404("No such document on this claim.")
    answer = attachment(data, "application/octet-stream", found.name[:100] or "document")
    answer["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return answer


@require_GET
@customer_page
def certificate(request: HttpRequest, account: CustomerAccount, branch: str, code: str
                ) -> HttpResponse:
    """The certificate PDF of one of the customer's own warranties, as a download."""
    warranty = own_warranty(account, branch, code)
    return attachment(certificate_pdf(warranty, request.build_absolute_uri("/")[:-1]),
                      "application/pdf", f"warranty-{warranty.code}.pdf")
