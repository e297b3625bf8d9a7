"""Fixtures for the progress core: the shipped catalogue and a made-up multi-item measure."""

from __future__ import annotations

import datetime as dt

import pytest

from unknot.domain.guide import Basis, Catalogue, Confidence, load_catalogue
from unknot.domain.guide.catalogue import Mcid, Measure, MeasureItem

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def pain(catalogue) -> Measure:
    return catalogue.measures["pain-nrs"]


@pytest.fixture(scope="session")
def sleep(catalogue) -> Measure:
    return catalogue.measures["sleep-nrs"]


@pytest.fixture(scope="session")
def three_items() -> Measure:
    """A licensed-style questionnaire a practice might add: three 0-4 items, summed."""
    return Measure(
        slug="demo-three",
        name="Three-item index (0-12)",
        construct="Function",
        shipped=True,
        licence="Free to use: test data.",
        evidence=(),
        confidence=Confidence.UNVERIFIED,
        range=(0, 4),
        direction="lower-is-better",
        scoring="Sum of the items.",
        mcid=Mcid(
            points=3,
            percent=None,
            established=False,
            basis=Basis.PRACTICE,
            evidence=(),
            confidence=Confidence.UNVERIFIED,
        ),
        items=(
            MeasureItem("a", "A?", "0", "4"),
            MeasureItem("b", "B?", "0", "4"),
            MeasureItem("c", "C?", "0", "4"),
        ),
    )
