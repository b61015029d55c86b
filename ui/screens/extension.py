"""Sell an extended warranty on a looked-up unit, or record that the customer declined."""

from __future__ import annotations

from datetime import date
from functools import partial

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from ui.context import AppContext, explain
from ui.keys import IN_WIDGET_AND_CHILDREN, bind_key
from ui.money import money
from ui.screens.base import Screen
from ui.screens.sale_parts.offer_box import ACCEPT_KEY, DECLINE_KEY
from ui.widgets.labels import Label
from ui.widgets.styling import show_level
from warranty_desk.permissions import Permission
from warranty_desk.rules.coverage import LayerKind, LayerSpan, extension_layer
from warranty_desk.services import activation
from warranty_desk.views import ExtensionOfferView, WarrantyVerdict

NO_OFFER = ("No extension plan is open to this unit: it is already extended or void, its price "
            "or category is outside every plan, or the offer window after the sale has passed.")


def new_end(verdict: WarrantyVerdict, months: int) -> date:
    """Where cover would end with an extension of this many months bought today."""
    spans = [LayerSpan(LayerKind(x.kind), x.start_on, x.end_on) for x in verdict.layers]
    if not spans:
        spans = [LayerSpan(LayerKind.MANUFACTURER, verdict.start_on, verdict.end_on)]
    return extension_layer(spans, months).end


def _click_if_shown(button: QPushButton) -> None:
    if button.isVisible():
        button.click()


class ExtensionScreen(Screen):
    """The plans a unit may still buy, with price, months and the new end date."""

    title = "Sell extension"
    shortcut = ""
    permission = Permission.SELL_EXTENSION
    help_keys = (
        ("Up/Down", "Pick a plan"),
        (ACCEPT_KEY, "Sell the plan picked"),
        (DECLINE_KEY, "The customer declines every plan shown"),
    )

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        layout = self.page_layout()
        self.unit = Label("Look a unit up at the counter, then press Ctrl+E.")
        self.unit.setWordWrap(True)
        layout.addWidget(self.unit)
        self.plans_box = Label("")
        self.plans_box.setWordWrap(True)
        layout.addWidget(self.plans_box)
        self.plans = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        self.radio_layout = QVBoxLayout()
        layout.addLayout(self.radio_layout)
        row = QHBoxLayout()
        self.sell_button = QPushButton(f"Sell extension  ({ACCEPT_KEY})")
        self.sell_button.setObjectName("primary")
        row.addWidget(self.sell_button)
        self.decline_button = QPushButton(f"Customer declines  ({DECLINE_KEY})")
        row.addWidget(self.decline_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.result = Label("")
        self.result.setObjectName("notice")
        self.result.setWordWrap(True)
        self.result.hide()
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.verdict: WarrantyVerdict | None = None
        self.offers: tuple[ExtensionOfferView, ...] = ()
        self.sell_button.clicked.connect(self.sell)
        self.decline_button.clicked.connect(self.decline)
        # Keys act only while their button is shown (there is an offer and no answer yet).
        for key, button in ((ACCEPT_KEY, self.sell_button), (DECLINE_KEY, self.decline_button)):
            bind_key(self, key, partial(_click_if_shown, button), where=IN_WIDGET_AND_CHILDREN)
        self._set_actions(False)

    def _set_actions(self, shown: bool) -> None:
        # Hidden rather than greyed out: the primary style looks the same either way.
        self.sell_button.setVisible(shown)
        self.decline_button.setVisible(shown)

    def _say(self, text: str, level: str) -> None:
        show_level(self.result, text, level)
        self.result.setVisible(bool(text))

    def open(self, payload: object) -> None:
        self.show_verdict(payload if isinstance(payload, WarrantyVerdict) else None)

    def show_verdict(self, verdict: WarrantyVerdict | None) -> None:
        """The unit and one choice per eligible plan."""
        for radio in self.radios:
            self.plans.removeButton(radio)
            radio.setParent(None)
            radio.deleteLater()
        self.radios = []
        self._say("", "info")
        self.verdict = verdict
        self.offers = verdict.extension_offers if verdict else ()
        if verdict is None:
            self.unit.setText("Look a unit up at the counter, then press Ctrl+E.")
            self.plans_box.setText("")
            self._set_actions(False)
            return
        self.unit.setText(f"{verdict.product_name}  ·  serial {verdict.serial or 'not recorded'}"
                          f"  ·  {verdict.warranty_code}\n"
                          f"{verdict.customer_name or 'anonymous sale'}  ·  sold "
                          f"{verdict.sold_on}  ·  cover now ends {verdict.end_on}")
        self.plans_box.setText("Plans this unit can take:" if self.offers else NO_OFFER)
        for n, offer in enumerate(self.offers):
            radio = QRadioButton(
                f"{offer.plan}  ·  {money(offer.price_minor)}  ·  {offer.months} months  ·  "
                f"cover until {new_end(verdict, offer.months)}   ({offer.reason})")
            radio.setChecked(n == 0)
            self.plans.addButton(radio, n)
            self.radios.append(radio)
            self.radio_layout.addWidget(radio)
        self._set_actions(bool(self.offers))
        if self.radios:
            self.radios[0].setFocus()

    def clear_for_sign_out(self) -> None:
        self.show_verdict(None)

    def choose(self, plan: str) -> None:
        """Pick a plan by name."""
        for radio, offer in zip(self.radios, self.offers, strict=True):
            radio.setChecked(offer.plan == plan)

    def chosen(self) -> ExtensionOfferView | None:
        """The plan picked."""
        n = self.plans.checkedId()
        return self.offers[n] if 0 <= n < len(self.offers) else None

    def sell(self) -> None:
        """Sell the chosen plan on this unit."""
        offer, verdict = self.chosen(), self.verdict
        if offer is None or verdict is None:
            return
        actor = self.ctx.require_actor()
        db = self.ctx.db
        self._set_actions(False)

        def sold(end: str) -> None:
            text = (f"{offer.plan} sold on {verdict.warranty_code}: cover now runs until {end}. "
                    "The slip prints once a printer is set up.")
            self._say(text, "success")
            self.ctx.notice.emit(text, "success")
            self.ctx.data_changed.emit("warranty")

        self.ctx.run(lambda: activation.sell_extension(db, actor, verdict.warranty_code,
                                                       offer.plan),
                     sold, self._failed)

    def decline(self) -> None:
        """Record that the customer said no to every plan shown, so nobody asks twice."""
        verdict = self.verdict
        if verdict is None or not self.offers:
            return
        actor = self.ctx.require_actor()
        db = self.ctx.db
        plans = [o.plan for o in self.offers]
        self._set_actions(False)

        def work() -> None:
            for plan in plans:
                activation.decline_extension(db, actor, verdict.warranty_code, plan)

        def recorded(_: object) -> None:
            self._say(f"Recorded: the customer declined {', '.join(plans)}.", "info")

        self.ctx.run(work, recorded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._set_actions(bool(self.offers))
        self._say(*explain(exc, self.ctx.home))
