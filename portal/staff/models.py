"""A head-office person's role, beside Django's user (which holds sign-in)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    """What a head-office person may do."""

    ADMIN = "admin", "Head-office admin"
    SUPPORT = "support", "Support (read, and messages to customers)"
    AUDITOR = "auditor", "Auditor (read only)"


class StaffMember(models.Model):
    """One head-office person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="staff_member")
    role = models.CharField(max_length=20, choices=Role.choices)

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.role})"
