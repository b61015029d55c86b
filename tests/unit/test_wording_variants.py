"""Every customer message in every segment's register: present, whole, and saying the same facts."""

from __future__ import annotations

import re

import pytest

from warranty_desk.models import Segment
from warranty_desk.services import messages

_FIELD = re.compile(r"\$(\w+)")
# Every placeholder any template may carry, so a render leaves none behind.
FIELDS = ("customer", "claim", "product", "serial", "shop", "phone", "promised", "reason",
          "amount", "new_serial", "end", "days", "plans", "reply", "order")


def _fields(wording: messages.Wording) -> set[str]:
    return set(_FIELD.findall(wording.subject)) | set(_FIELD.findall(wording.body))


def test_every_template_is_in_every_segment_and_no_segment_has_one_of_its_own() -> None:
    retail = set(messages.templates())
    assert {"claim_received", "warranty_reminder", "staff_reply"} <= retail
    for segment in Segment:
        assert set(messages.templates(segment)) == retail, segment


@pytest.mark.parametrize("segment", list(Segment))
def test_each_variant_names_the_same_facts_as_the_retail_wording(segment: Segment) -> None:
    retail = messages.templates()
    for name, wording in messages.templates(segment).items():
        assert _fields(wording) == _fields(retail[name]), (segment, name)
        assert _fields(wording) <= set(FIELDS), (segment, name)


@pytest.mark.parametrize("segment", list(Segment))
def test_each_variant_renders_with_every_field_and_leaves_no_placeholder(
    segment: Segment
) -> None:
    values = {name: f"<{name}>" for name in FIELDS}
    for name, template in messages.templates(segment).items():
        rendered = messages.render(name, values, segment)
        text = rendered.subject + "\n" + rendered.body
        assert "$" not in text, (segment, name)
        for field in _fields(template):
            assert f"<{field}>" in text, (segment, name, field)
        # Signed with the shop's name, then its phone on a line of its own.
        assert rendered.body.endswith("<shop>\n<phone>"), (segment, name)


def test_the_registers_differ_in_words_not_only_in_file_names() -> None:
    # A variant that is a copy of retail would pass the checks above and say nothing new.
    retail = messages.templates()
    for segment in (Segment.VIP, Segment.BUSINESS, Segment.RESELLER):
        variant = messages.templates(segment)
        same = [n for n in retail if variant[n].body == retail[n].body]
        assert same == [], (segment, same)


def test_the_default_is_the_retail_wording_and_an_unknown_segment_reads_as_retail() -> None:
    assert messages.templates() == messages.templates(Segment.RETAIL)
    assert messages.segment_of(None) is Segment.RETAIL
    assert messages.segment_of("platinum") is Segment.RETAIL
    assert messages.segment_of("vip") is Segment.VIP
