"""The result card: a large verdict in words, icon and colour, with the unit's facts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ui.money import money
from ui.phones import phone
from ui.widgets.labels import Label
from ui.widgets.styling import set_style_property
from ui.wording import outcome_shown
from warranty_desk.views import ClaimMatch, ProductCoverView, WarrantyVerdict

# Never colour alone: each verdict has its own symbol and word as well.
SYMBOLS = {"in_cover": "✔", "expired": "✖", "void": "⊘", "not_started": "…",
           "not_found": "?", "product": "▤"}
FACTS = ("Product", "Serial", "Customer", "Sold", "Cover", "Covers today", "Layers",
         "Warranty code")
LAYER_WORDS = {"manufacturer": "Manufacturer", "shop": "Shop", "extension": "Extension"}


class VerdictCard(QFrame):
    """Shows one WarrantyVerdict, or a not-found message, in the counter's own words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdict")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        top = QHBoxLayout()
        self.word = Label("")
        self.word.setObjectName("verdictWord")
        top.addWidget(self.word)
        top.addStretch(1)
        outer.addLayout(top)
        self.detail = Label("")
        self.detail.setObjectName("verdictDetail")
        self.detail.setWordWrap(True)
        outer.addWidget(self.detail)
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(24)
        self.facts.setVerticalSpacing(6)
        outer.addLayout(self.facts)
        self.facts.setColumnStretch(1, 1)
        self.facts.setColumnStretch(3, 1)
        # Built once; a scan only changes their text (fast, and nothing is left behind).
        self._values: dict[str, QLabel] = {}
        for n, name in enumerate(FACTS):
            key = Label(name)
            key.setObjectName("factName")
            value = Label("")
            value.setObjectName("factValue")
            value.setWordWrap(True)
            value.select_on_demand()
            self.facts.addWidget(key, n // 2, (n % 2) * 2)
            # Centred by the grid at its own height, rather than filling the row and centring
            # its text itself: the text then lands on the same pixel drawn plain or through
            # the control selection brings (a label centres either by half a pixel apart).
            self.facts.addWidget(value, n // 2, (n % 2) * 2 + 1, Qt.AlignmentFlag.AlignVCenter)
            self._values[name] = value
        self._fact_widgets: list[QWidget] = [
            w for i in range(self.facts.count())
            if (item := self.facts.itemAt(i)) is not None and (w := item.widget()) is not None]
        self.extra = Label("")
        self.extra.setWordWrap(True)
        outer.addWidget(self.extra)
        # Keep the verdict at the top; spare height goes below the facts, not between them.
        outer.addStretch(1)
        self.verdict: WarrantyVerdict | None = None
        self.hide()

    def _set_state(self, state: str) -> None:
        set_style_property(self, "verdict", state)

    def _facts_visible(self, visible: bool) -> None:
        for widget in self._fact_widgets:
            widget.setVisible(visible)

    def clear(self) -> None:
        """Nothing shown (the counter locked): the card hides with no words left in it."""
        self.verdict = None
        for label in (self.word, self.detail, self.extra, *self._values.values()):
            label.setText("")
        self.hide()

    def show_message(self, text: str) -> None:
        """Nothing matched: say so and what to try."""
        self.verdict = None
        self._set_state("not_found")
        self.word.setText(f"{SYMBOLS['not_found']}  NOT FOUND")
        self.detail.setText(text)
        self._facts_visible(False)
        self.extra.setText("")
        self.show()

    def show_product(self, product: ProductCoverView) -> None:
        """A product barcode: which product, the cover it comes with (the words head office's
        product page shows), the plans it may take, and that the unit's serial is wanted."""
        self.verdict = None
        self._set_state("product")
        cover = product.cover
        self.word.setText(f"{SYMBOLS['product']}  PRODUCT  {product.name}")
        self.detail.setText(f"{cover.cover}\nThat is the product barcode: scan the serial "
                            "number label to see this unit's cover.")
        lines = [f"Extension: {plan.words}" for plan in cover.plans]
        if cover.exclusions:
            lines.append(f"Not covered: {'; '.join(cover.exclusions)}.")
        if cover.online_note:
            lines.append(cover.online_note)
        self.extra.setText("\n".join(lines))
        self._facts_visible(False)
        self.show()

    def show_claim(self, claim: ClaimMatch, state: str, hint: str) -> None:
        """A claim picked from the matches: which one and whose, and how to open it."""
        self.verdict = None
        self._set_state("claim")
        self.word.setText(f"CLAIM  {claim.number}")
        self.detail.setText(f"{state}  ·  {claim.product}  ·  opened {claim.opened_on}\n"
                            f"{claim.customer_name or 'no customer on record'}\n{hint}")
        self._facts_visible(False)
        self.extra.setText("")
        self.show()

    def show_verdict(self, v: WarrantyVerdict) -> None:
        """One unit's verdict with every fact the counter needs."""
        self.verdict = v
        self._set_state(v.verdict)
        self.word.setText(f"{SYMBOLS.get(v.verdict, '')}  {v.headline}")
        self.detail.setText(v.detail)
        rows = [
            ("Product", f"{v.product_name}  ({v.brand}, {v.sku})"),
            ("Serial", v.serial or "not recorded"),
            ("Customer", (v.customer_name or "anonymous sale")
             + (f"  ·  {phone(v.customer_phone)}" if v.customer_phone else "")),
            ("Sold", f"{v.sold_on}  on invoice {v.invoice_number}"),
            # Before delivery the dates are only the terms' length: the detail says them.
            ("Cover", "starts on delivery" if v.awaits_delivery else
             f"{v.start_on} to {v.end_on}"
             + (f"  ·  {v.days_left} days left" if v.days_left else "")),
            ("Covers today", LAYER_WORDS.get(v.layer, v.layer) if v.layer else "No one"),
            ("Layers", "laid from the delivery day" if v.awaits_delivery else
             "\n".join(f"{LAYER_WORDS.get(x.kind, x.kind)}: {x.start_on} to {x.end_on}"
                       for x in v.layers)),
            ("Warranty code", v.warranty_code),
        ]
        for name, value in rows:
            self._values[name].setText(value)
        self._facts_visible(True)
        lines = []
        if v.exclusions:
            lines.append("Not covered: " + ", ".join(v.exclusions) + ".")
        if v.claims:
            lines.append("Earlier claims: " + "; ".join(
                f"{c.number} ({c.opened_on}) {c.state.replace('_', ' ')}"
                + (f", {shown}" if (shown := outcome_shown(c.state, c.outcome)) else "")
                + f": {c.fault}" for c in v.claims[:4]))
        if v.open_claim:
            lines.append(f"Open claim: {v.open_claim}.")
        if v.extension_offers:
            lines.append("Can extend: " + "; ".join(
                f"{o.plan}, {o.months} months for {money(o.price_minor)}"
                for o in v.extension_offers))
        self.extra.setText("\n".join(lines))
        self.show()
