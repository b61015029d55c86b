"""The verdict card's facts select by mouse as before, drawn without a text control until the
pointer is on them: the same pixels, the same selection and copy, a cheaper scan."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent, QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel

from ui.theme import apply_theme
from ui.widgets.labels import Label
from ui.widgets.verdict_card import VerdictCard
from warranty_desk.views import ClaimBrief, ExtensionOfferView, LayerView, WarrantyVerdict

SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse
NONE = Qt.TextInteractionFlag.NoTextInteraction

VERDICT = WarrantyVerdict(
    verdict="in_cover", headline="IN COVER",
    detail="Shop warranty covers today; 212 days left, until 2027-06-21.",
    warranty_code="BR01-W-2025-004711", serial="KET17-RMVXX9J",
    product_name="Bosch Serie 6 washing machine, 9 kg, with a long name that wraps",
    sku="WAT-28461-GB", brand="Bosch", category="laundry",
    customer_name="Zoë Ní Bhriain-Müller", customer_phone="+447700900596",
    customer_reference="BR01-CU-000017", invoice_number="INV-000123",
    sold_on=date(2025, 6, 21), start_on=date(2025, 6, 21), end_on=date(2027, 6, 21),
    layer="shop", days_left=212, expired_since=None, void_reason=None, terms="Two years",
    exclusions=("accidental damage", "limescale"),
    layers=(LayerView("manufacturer", date(2025, 6, 21), date(2026, 6, 21)),
            LayerView("shop", date(2026, 6, 22), date(2027, 6, 21))),
    claims=(ClaimBrief("BR01-C-2026-000009", "closed", "repair", date(2026, 2, 3),
                       "Drum noise", "counter"),),
    open_claim=None,
    extension_offers=(ExtensionOfferView("Care+ 3 years", 36, 9_900, "Eligible"),))


def _grab(card: VerdictCard, qapp: QApplication) -> QImage:
    qapp.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    qapp.processEvents()
    return card.grab().toImage()


def _facts(card: VerdictCard) -> list[Label]:
    return [v for v in card.findChildren(Label) if v.objectName() == "factValue"]


def _card() -> VerdictCard:
    card = VerdictCard()
    card.resize(760, 520)
    card.show()
    return card


def test_the_card_draws_the_same_pixels_with_or_without_the_text_control(
    qapp: QApplication,
) -> None:
    apply_theme(qapp)
    card, before = _card(), _card()
    # The card as it was: every fact selectable at all times, filling its row of the grid.
    for fact in _facts(before):
        before.facts.setAlignment(fact, Qt.AlignmentFlag(0))
    shown = [VERDICT, VERDICT._replace(verdict="expired", headline="EXPIRED", days_left=None,
                                       customer_name=None, customer_phone=None, layers=()),
             VERDICT._replace(serial=None, product_name="Kettle", claims=())]
    try:
        for verdict in shown:
            card.show_verdict(verdict)
            before.show_verdict(verdict)
            for fact in _facts(before):
                fact.setTextInteractionFlags(SELECTABLE)
            assert all(fact.textInteractionFlags() == NONE for fact in _facts(card))
            plain = _grab(card, qapp)
            assert plain == _grab(before, qapp), verdict.product_name
            # The pointer on the facts brings the control: nothing moves.
            for fact in _facts(card):
                fact.setTextInteractionFlags(SELECTABLE)
            assert _grab(card, qapp) == plain, verdict.product_name
            for fact in _facts(card):
                fact.setTextInteractionFlags(NONE)
    finally:
        card.close()
        before.close()


def test_a_fact_selects_and_copies_once_the_pointer_is_on_it(qapp: QApplication) -> None:
    label = Label("Open claim BR01-C-2026-000009.")
    label.select_on_demand()
    assert label.textInteractionFlags() == NONE
    qapp.sendEvent(label, QEnterEvent(QPointF(2, 2), QPointF(2, 2), QPointF(2, 2)))
    assert label.textInteractionFlags() == SELECTABLE
    assert label.focusPolicy() == Qt.FocusPolicy.ClickFocus  # as a selectable label takes
    label.setSelection(0, len(QLabel.text(label)))
    # The pointer leaves with text selected: the selection stays, and copies as typed.
    qapp.sendEvent(label, QEvent(QEvent.Type.Leave))
    assert label.textInteractionFlags() == SELECTABLE and label.hasSelectedText()
    label.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_C,
                                  Qt.KeyboardModifier.ControlModifier))
    assert QApplication.clipboard().text() == "Open claim BR01-C-2026-000009."
    # A new unit's facts replace the text, and the selection with it.
    label.setText("BR01-W-2025-004711")
    assert label.textInteractionFlags() == NONE and not label.hasSelectedText()
    assert label.text() == "BR01-W-2025-004711"


def test_the_pointer_passing_over_leaves_no_control_behind(qapp: QApplication) -> None:
    label = Label("KET17-RMVXX9J")
    label.select_on_demand()
    qapp.sendEvent(label, QEnterEvent(QPointF(2, 2), QPointF(2, 2), QPointF(2, 2)))
    assert label.textInteractionFlags() == SELECTABLE
    qapp.sendEvent(label, QEvent(QEvent.Type.Leave))
    assert label.textInteractionFlags() == NONE
    assert label.focusPolicy() == Qt.FocusPolicy.NoFocus
