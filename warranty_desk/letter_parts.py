"""A customer letter as the wording templates write it (resources/wording): one greeting
paragraph ("Dear Ann,"), the paragraphs that say something, then one signature paragraph (a
sign-off such as "Kind regards," in some registers, the shop's name, its phone). A text and
a claim's step on the portal want only the middle; a text of another shape stays whole."""

from __future__ import annotations

import re

_BREAK = re.compile(r"\n[ \t]*\n")


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (blank-line separated), trimmed, empty ones left out."""
    return [p.strip() for p in _BREAK.split(text.replace("\r\n", "\n")) if p.strip()]


def what_it_says(body: str, shop: str = "") -> list[str]:
    """The paragraphs between the greeting and the signature.

    The greeting is a first paragraph of one line ending in a comma. The signature is the last
    paragraph when one of its lines is the shop's name, or, with no name given, when the
    letter opened with a greeting (the templates always pair them).
    """
    parts = paragraphs(body)
    greeted = bool(parts) and "\n" not in parts[0] and parts[0].endswith(",")
    if greeted:
        parts = parts[1:]
    if len(parts) > 1:
        last = [line.strip() for line in parts[-1].splitlines()]
        if (shop.strip() in last) if shop.strip() else greeted:
            parts = parts[:-1]
    return parts
