"""Adding head-office staff."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from portal.errors import PortalInputError
from portal.staff.models import Role, StaffMember


def add_staff(email: str, role: str, supplier: str = "") -> tuple[StaffMember, str]:
    """A new staff member and a first password, shown once (they change it at first sign-in).

    A supplier contact names the supplier they speak for, as the branches write it.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise PortalInputError(f"{email!r} is not an email address.") from None
    if role not in Role.values:
        raise PortalInputError(f"{role!r} is not a role; use one of: {', '.join(Role.values)}.")
    supplier = " ".join(supplier.split())
    if role == Role.SUPPLIER and not supplier:
        raise PortalInputError("A supplier contact needs the supplier's name (--supplier), as "
                               "the branches write it on brand claims.")
    if role != Role.SUPPLIER and supplier:
        raise PortalInputError(f"Only a supplier contact has a supplier; leave --supplier out "
                               f"for a {role}.")
    if len(supplier) > 200:
        raise PortalInputError("The supplier's name is longer than 200 characters; give it "
                               "as the branches write it.")
    users = get_user_model()
    if users.objects.filter(username=email).exists():
        raise PortalInputError(f"{email} is already a staff member.")
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = users.objects.create_user(username=email, email=email, password=password,
                                         is_staff=role == Role.ADMIN)
        member = StaffMember.objects.create(user=user, role=role, supplier=supplier)
    return member, password
