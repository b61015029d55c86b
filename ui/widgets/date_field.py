"""Date fields: a calendar drop-down showing ISO dates, and dates to and from Qt's."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

# The same ISO dates the verdict card and the slips show.
DATE_FORMAT = "yyyy-MM-dd"


def date_field() -> QDateEdit:
    """A date with a calendar, shown as an ISO date."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def date_of(edit: QDateEdit) -> date:
    """The date in a date field."""
    q = edit.date()
    return date(q.year(), q.month(), q.day())


def qdate(value: date) -> QDate:
    """A date as Qt takes it."""
    return QDate(value.year, value.month, value.day)
