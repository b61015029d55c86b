"""Adding head-office staff."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from portal.errors import PortalInputError
from portal.staff.models import Role, StaffMember


def add_staff(email: str, role: str) -> tuple[StaffMember, str]:
    """A new staff member and a first password, shown once (they change it at first sign-in)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise PortalInputError(f"{email!r} is not an email address.") from None
    if role not in Role.values:
        raise PortalInputError(f"{role!r} is not a role; use one of: {', '.join(Role.values)}.")
    users = get_user_model()
    if users.objects.filter(username=email).exists():
        raise PortalInputError(f"{email} is already a staff member.")
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = users.objects.create_user(username=email, email=email, password=password,
                                         is_staff=role == Role.ADMIN)
        member = StaffMember.objects.create(user=user, role=role)
    return member, password
