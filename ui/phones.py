"""Phone numbers as the shop's country writes them: every phone the screens show goes through
`phone`. Numbers are kept as E.164 (+447700900596); a British shop reads 07700 900596."""

from __future__ import annotations

_locale: str | None = None  # until a shop is opened: every number with its country code
_region: str | None = None  # the locale's country, worked out with the first phone shown
_resolved = True


def use_shop_region(locale: str) -> None:
    """Show the numbers of the country this locale names the national way from now on."""
    # Its country is looked up with the first phone shown: babel, which knows it, costs a
    # tenth of the start, and the sign-in page shows no phone.
    global _locale, _resolved
    _locale, _resolved = locale, False


def shop_region() -> str | None:
    """The two-letter country of the shop's locale; None before a shop is opened."""
    global _region, _resolved
    if not _resolved:
        from warranty_desk.locales import region_of

        _region = region_of(_locale) if _locale is not None else None
        _resolved = True
    return _region


def phone(stored: str | None) -> str:
    """A stored phone for people to read; "" for none."""
    if not stored:
        return ""
    # Loaded with the first phone shown, by which time a lookup has loaded it anyway.
    from warranty_desk.contacts import phone_for_people

    return phone_for_people(stored, shop_region())
