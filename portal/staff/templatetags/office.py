"""How long ago something happened, in the words a person says it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """"just now" under a minute, otherwise "3 hours, 2 minutes ago"; "never" for nothing."""
    if moment is None:
        return "never"
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.filter
def words(name: str | None) -> str:
    """A machine name as words: photo_of_fault -> photo of fault."""
    return (name or "").replace("_", " ")
