"""The hand-back question: print a claim's unsent messages for a customer nothing else reaches."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.wording import count
from warranty_desk.services.letters import HandBack


def letters_question(hb: HandBack) -> tuple[str, str]:
    """The question and what the letters say, in plain words."""
    question = (f"{hb.customer_name} has no email address or phone number that works, so "
                f"{count(len(hb.message_ids), 'message')} on claim {hb.claim_number} never "
                f"reached them. Print {'it' if len(hb.message_ids) == 1 else 'them'} as "
                f"{'a letter' if len(hb.message_ids) == 1 else 'letters'} to take away?")
    return question, "\n".join(f"• {subject}" for subject in hb.subjects)


def ask_to_print_letters(parent: QWidget, hb: HandBack) -> bool:
    """Ask at hand-back; Enter prints (the customer is at the counter now), Esc does not."""
    question, subjects = letters_question(hb)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Print the letters?")
    # Names and subjects are people's text: the app's style keeps every label plain text.
    box.setText(question)
    box.setInformativeText(subjects)
    yes = box.addButton("Print letters", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes
