"""A customer message cut to a text message: the shop's name, its first lines, the claim number.

A text is at most two segments, so it costs the shop two messages at most and arrives as one:
306 characters when every character is in the GSM 7-bit alphabet (153 a segment once joined),
134 otherwise (67 a segment in UCS-2). Longer words are cut at a sentence's end where one
fits, else at a word, and end in "..." (three dots: the one-character ellipsis is not GSM).
The greeting line and the sign-off (the shop's name and phone) are left out: the text names
the shop first.
"""

from __future__ import annotations

from warranty_desk.letter_parts import what_it_says

SEGMENTS = 2
_GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
              "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# Characters that cost two septets (an escape and the character).
_GSM_EXTENDED = "^{}\\[~]|€"


def gsm_length(text: str) -> int | None:
    """Septets the text takes in the GSM 7-bit alphabet; None when it needs UCS-2."""
    length = 0
    for char in text:
        if char in _GSM_BASIC:
            length += 1
        elif char in _GSM_EXTENDED:
            length += 2
        else:
            return None
    return length


def limit_for(text: str, segments: int = SEGMENTS) -> int:
    """How long `text` may be (in its own encoding's units) to fit in `segments`."""
    if gsm_length(text) is not None:
        return 160 if segments == 1 else 153 * segments
    return 70 if segments == 1 else 67 * segments


def fits(text: str, segments: int = SEGMENTS) -> bool:
    """Whether the text goes in that many segments."""
    gsm = gsm_length(text)
    return (gsm if gsm is not None else len(text)) <= limit_for(text, segments)


def _lines(body: str, shop: str) -> list[str]:
    return [" ".join(p.split()) for p in what_it_says(body, shop)]


def _cut(words: str, room: int, measure: str) -> str:
    """The longest start of `words` that fits `room` with `measure` appended: a sentence's end
    where one fits, else a word's end followed by three dots."""
    def size(text: str) -> int:
        gsm = gsm_length(text + measure)
        return gsm if gsm is not None else len(text + measure)

    if size(words) <= room:
        return words
    best = ""
    for end, char in enumerate(words):
        if char in ".!?" and (end + 1 == len(words) or words[end + 1] == " "):
            if size(words[:end + 1]) <= room:
                best = words[:end + 1]
            else:
                break
    if best:
        return best
    start = words
    while start and size(start + "...") > room:
        start = start[:-1]
    start = start.rsplit(" ", 1)[0] if " " in start else start
    return start.rstrip(" ,;:-") + "..."


def sms_text(shop: str, body: str, claim: str = "", segments: int = SEGMENTS) -> str:
    """The message as a text: "Shop: first lines. Claim BR01-C-….", at most `segments` long."""
    head = f"{shop.strip()}: " if shop.strip() else ""
    words = " ".join(_lines(body, shop))
    tail = f" Claim {claim}." if claim else ""
    whole = head + words + ("" if claim in words else tail)
    if fits(whole, segments):
        return whole
    kept = _cut(words, limit_for(whole, segments), head + tail)
    # The claim number is what the customer quotes: it stays even when the words lose it.
    return head + kept + ("" if claim and claim in kept else tail)
