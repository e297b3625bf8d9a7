"""The shared back map (assessment, check-in, session note): every area is a focusable button
whose accessible name contains the text it shows (axe's label-content-name-mismatch)."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from unknot.apps.guide.backmap import map_regions
from unknot.domain.guide import load_catalogue

BUTTON = re.compile(r'<g class="backmap-region" role="button" tabindex="0"[^>]*>.*?</g>', re.S)


def test_every_area_is_a_button_named_with_its_visible_text():
    regions = map_regions(load_catalogue().regions.values(), ["neck"])
    html = render_to_string("guide/partials/back_map.html", {"map_regions": regions})
    buttons = BUTTON.findall(html)
    assert len(buttons) == len(regions) == 7
    for region, button in zip(regions, buttons, strict=True):
        name = re.search(r'aria-label="([^"]+)"', button).group(1)
        shown = set(re.findall(r"<text[^>]*>([^<]+)</text>", button))
        assert shown == {region.short_label}
        assert region.short_label.lower() in name.lower(), (region.slug, name)
    assert 'aria-pressed="true" aria-label="Neck"' in html


def test_each_short_label_is_part_of_its_full_label():
    for region in load_catalogue().regions.values():
        assert region.short_label.lower() in region.label.lower(), region.slug
