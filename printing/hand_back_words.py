"""What the person collecting a unit confirms on the handover receipt, on the roll and in PDF."""

from __future__ import annotations

from warranty_desk.printables import HandBackView

CONFIRMS = "I received the unit above, with the accessories and in the condition described."


def received_words(view: HandBackView) -> str:
    """What the collector confirms, naming the customer when someone collects for them."""
    if view.on_behalf_proof and view.customer_name:
        return f"{CONFIRMS[:-1]}, for {view.customer_name}."
    return CONFIRMS
