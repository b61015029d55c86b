"""The sync health table's rows as HTML, one per branch, made in Python.

A chain of hundreds of branches makes the table the portal's heaviest page, and the one every
staff member keeps open (it refreshes itself every 30 s): written here with the standard
library's escape, a row costs a small fraction of what the template engine (or format_html)
takes for the same markup. Every value from a branch or a person is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from portal.branches.models import Branch
from portal.staff.templatetags.office import ago_at


@dataclass(frozen=True, slots=True)
class HealthRow:
    """What the table says of one branch."""

    branch: Branch
    url: str
    pending: int
    problems: int
    refused: int
    drift: list[str]
    nightly_at: datetime | None


def _words(at: datetime) -> str:
    """6 Dec 2026 07:35 (the page's time zone)."""
    local = timezone.localtime(at)
    return f"{local.day} {local:%b %Y %H:%M}"


def _count(n: int, url: str, anchor: str) -> str:
    return f'<a class="bad" href="{url}#{anchor}">{n}</a>' if n else "0"


def row_html(row: HealthRow, now: datetime) -> SafeString:
    """One <tr>, with the data-label each cell shows as a card on a phone."""
    b, url = row.branch, escape(row.url)
    name = f'<br><span class="muted">{escape(b.name)}</span>' if b.name else ""
    if b.last_push_at is not None:
        pushed = (f'<span><time datetime="{timezone.localtime(b.last_push_at).isoformat()}">'
                  f'{_words(b.last_push_at)}</time><br><span class="muted">'
                  f"{ago_at(b.last_push_at, now)}</span></span>")
    else:
        pushed = '<span class="muted">never</span>'
    pending = f"<strong>{row.pending}</strong>" if row.pending else "0"
    nightly = (_words(row.nightly_at) if row.nightly_at else
               '<span class="muted">none yet</span>')
    if row.drift:
        drift = (f'<a class="bad" href="{url}#drift">{len(row.drift)} open: '
                 f'{escape(", ".join(row.drift))}</a>')
    elif row.nightly_at:
        drift = '<span class="good">agrees</span>'
    else:
        drift = '<span class="muted">not compared yet</span>'
    attention = "attention" if row.drift or row.refused or row.problems else ""
    # Escaped above, every piece: codes, names and labels; the rest are numbers and dates.
    return mark_safe(
        f'<tr class="{attention}">\n'
        f'  <td data-label="Branch"><span><a href="{url}"><strong>{escape(b.code)}</strong>'
        f"</a>{name}</span></td>\n"
        f'  <td data-label="Last push">{pushed}</td>\n'
        f'  <td data-label="Events stored" class="num">{int(b.events_stored)}</td>\n'
        f'  <td data-label="To project" class="num">{pending}</td>\n'
        f'  <td data-label="Refused" class="num">{_count(row.refused, url, "refused")}</td>\n'
        f'  <td data-label="Not projected" class="num">'
        f'{_count(row.problems, url, "problems")}</td>\n'
        f'  <td data-label="Last nightly report">{nightly}</td>\n'
        f'  <td data-label="Drift">{drift}</td>\n'
        "</tr>\n")
