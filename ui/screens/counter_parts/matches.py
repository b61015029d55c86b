"""The counter's list of several matches: units and claims, each with its customer."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from ui.widgets.verdict_card import SYMBOLS
from warranty_desk.views import ClaimMatch, WarrantyVerdict

Match = WarrantyVerdict | ClaimMatch
# Beside the card at 1366×768 the list gets about 400 px: a product name, a serial and
# "Firstname Lastname · phone …1234" each on a line of its own.
READABLE_WIDTH = 380
LIST_MAX_WIDTH = 420
# The list's share of the row beside the card (3 to the card's 5).
LIST_STRETCH, CARD_STRETCH = 3, 5
# The counter needs this width for a readable list beside the card (about 580 px at its
# narrowest); below it (1024 px screens) the list sits above the card, this tall at most.
SIDE_BY_SIDE_WIDTH = 1040
STACKED_LIST_HEIGHT = 190


def phone_tail(phone: str | None) -> str:
    """The end of a phone number: enough to tell two customers apart, not the whole number."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"phone …{digits[-4:]}" if len(digits) >= 4 else ""


def _customer(name: str | None, phone: str | None) -> str:
    parts = [p for p in (name or "", phone_tail(phone)) if p]
    return "  ·  ".join(parts) if parts else "no customer on record"


def claim_state_words(state: str) -> str:
    """A claim's state as staff say it."""
    # The board's module is loaded here, not with the counter: most scans name no claim.
    from warranty_desk.services.board import STATE_LABELS

    return STATE_LABELS.get(state, state)


def match_text(match: Match) -> str:
    """Three lines: what it is, which one, and whose."""
    if isinstance(match, ClaimMatch):
        state = claim_state_words(match.state)
        return (f"Claim {match.number}  ·  {state}\n"
                f"{match.product}  ·  opened {match.opened_on}\n"
                f"{_customer(match.customer_name, match.customer_phone)}")
    symbol = SYMBOLS.get(match.verdict, "")
    return (f"{symbol}  {match.headline}  ·  {match.product_name}\n"
            f"{match.serial or match.warranty_code}  ·  sold {match.sold_on}\n"
            f"{_customer(match.customer_name, match.customer_phone)}")


class MatchList(QListWidget):
    """Several units or claims for one scan; the row picked is shown (or opened) by the screen."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("matches")
        self.setMaximumWidth(LIST_MAX_WIDTH)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.entries: list[Match] = []

    def fill(self, entries: Sequence[Match]) -> None:
        """List these, the first one current; nothing is announced while filling."""
        self.blockSignals(True)
        self.clear()
        self.entries = list(entries)
        for entry in self.entries:
            # Plain text: names and products come from people and files.
            self.addItem(QListWidgetItem(match_text(entry)))
        self.blockSignals(False)

    def current_entry(self) -> Match | None:
        """The unit or claim on the current row."""
        row = self.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def step(self, by: int) -> None:
        """Move the current row up or down, stopping at the ends."""
        if self.entries:
            self.setCurrentRow(max(0, min(len(self.entries) - 1, self.currentRow() + by)))
