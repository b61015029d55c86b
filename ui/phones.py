"""Phone numbers as the shop's country writes them: every phone the screens show goes through
`phone`. Numbers are kept as E.164 (+447700900596); a British shop reads 07700 900596."""

from __future__ import annotations

_region: str | None = None  # until a shop is opened: every number with its country code


def use_shop_region(locale: str) -> None:
    """Show the numbers of the country this locale names the national way from now on."""
    from warranty_desk.locales import region_of

    global _region
    _region = region_of(locale)


def phone(stored: str | None) -> str:
    """A stored phone for people to read; "" for none."""
    if not stored:
        return ""
    # Loaded with the first phone shown, by which time a lookup has loaded it anyway.
    from warranty_desk.contacts import phone_for_people

    return phone_for_people(stored, _region)
