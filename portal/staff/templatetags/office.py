"""How long ago something happened, in the words a person says it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils.timesince import timesince

from portal import clock

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """"just now" under a minute, otherwise "3 hours, 2 minutes ago"; "never" for nothing."""
    return ago_at(moment, clock.now())


def ago_at(moment: datetime | None, now: datetime) -> str:
    """`ago` as of `now` (a page of many rows reads the clock once)."""
    if moment is None:
        return "never"
    if now - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now)} ago"


@register.filter
def words(name: str | None) -> str:
    """A machine name as words: photo_of_fault -> photo of fault."""
    return (name or "").replace("_", " ")
