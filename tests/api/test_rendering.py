"""The hand-written instant format matches Django's JSON encoder, which the rest of the API uses."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given
from hypothesis import strategies as st

from unknot.api.rendering import json_instant, json_response

ZONES = st.sampled_from(
    [dt.UTC, ZoneInfo("Europe/London"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
)


@given(st.datetimes(timezones=ZONES))
def test_instants_render_as_djangos_encoder_renders_them(value):
    assert json_instant(value) == DjangoJSONEncoder().default(value)


def test_a_response_with_other_types_falls_back_to_the_apis_renderer():
    response = json_response({"at": dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), "n": 1})
    assert response.content == b'{"at": "2026-12-01T09:00:00Z", "n": 1}'
    assert response["Content-Type"] == "application/json; charset=utf-8"
