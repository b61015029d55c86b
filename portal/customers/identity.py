"""Who a customer is: the normalised email or E.164 phone the shops recorded, never a name."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet

from portal.customers.models import CustomerAccount
from portal.projections.models import Customer, Warranty
from portal.webshop.models import WebOrder
from warranty_desk.contacts import ContactError, phone_key

# Customers type their number as they know it; without a country code it is read as this one's.
DEFAULT_REGION = "GB"


def email_key(text: str) -> str:
    """An address as head office compares it: trimmed, lower case."""
    return text.strip().lower()


def phone_e164(text: str, region: str = DEFAULT_REGION) -> str:
    """A typed phone number as E.164; "" when it cannot be one."""
    try:
        return phone_key(text, region)
    except ContactError:
        return ""


def _records(email: str, phone: str) -> Q:
    # iexact compares UPPER(email): the projection's index is on that expression.
    found = Q(pk__in=[])
    if email:
        found |= Q(email__iexact=email)
    if phone:
        found |= Q(phone=phone)
    # A duplicate the branch merged away holds nothing and signs nobody in: the kept record's
    # email and phone do (the branch gave it whichever of the duplicate's it lacked).
    return found & Q(merged_into="")


def held(email: str = "", phone: str = "") -> bool:
    """Whether any branch recorded this contact on a purchase (a warranty of theirs), or a web
    shop on an order head office took."""
    if not email and not phone:
        return False
    # A web order counts from the moment head office queues it, before its branch sends it back.
    if Warranty.objects.filter(customer__in=Customer.objects.filter(_records(email, phone))
                               ).exists():
        return True
    return bool(email) and WebOrder.objects.filter(email=email_key(email)).exists()


def customers_of(account: CustomerAccount) -> QuerySet[Customer]:
    """The branch customer records this account stands for, in every branch."""
    return Customer.objects.filter(_records(account.email, account.phone))


# What a query filters an account's rows by: customers_of as a subquery, or its ids read once
# (customer_ids) by a page that filters several tables by them.
Records = QuerySet[Customer] | list[int]


def customer_ids(account: CustomerAccount) -> list[int]:
    """The ids of customers_of(account): one small query, and each query after it filters by
    a plain list (which PostgreSQL can OR with another index, as it cannot a subquery)."""
    return list(customers_of(account).values_list("pk", flat=True))


def account_for(email: str = "", phone: str = "") -> CustomerAccount | None:
    """The account of a contact head office holds on a purchase, made on first use; None else."""
    email, phone = email_key(email), phone
    lookup = Q(email=email) if email else Q(phone=phone)
    found = CustomerAccount.objects.select_related("user").filter(lookup).first()
    if found is not None or not held(email, phone):
        return found
    with transaction.atomic():
        user = User(username=f"customer-{secrets.token_hex(8)}", email=email)
        user.set_unusable_password()
        user.save()
        return CustomerAccount.objects.create(user=user, email=email, phone=phone)
