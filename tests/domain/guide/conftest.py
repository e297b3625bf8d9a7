"""Shared fixtures for the guide core tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import unknot.domain.guide as guide
from unknot.domain.guide import Catalogue, load_catalogue

DATA_DIR = Path(guide.__file__).parent / "data"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data directory."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture
def break_file(data_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace the first occurrence of ``old`` with ``new`` in one data file of the copy."""

    def apply(file: str, old: str, new: str) -> Path:
        path = data_copy / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not found in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return data_copy

    return apply
