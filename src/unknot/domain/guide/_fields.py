"""Strict, typed readers for TOML tables that report errors by file and entry."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import NoReturn

from .catalogue import Confidence, Evidence
from .errors import CatalogueError

CONFIDENCES = tuple(c.value for c in Confidence)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

_MISSING = object()


class Entry:
    """One TOML table being read. Every key must be consumed; leftovers are typos."""

    def __init__(self, file: str, name: str | None, data: object) -> None:
        self.file = file
        self.name = name
        if not isinstance(data, Mapping):
            self.fail("must be a table")
        self._data: Mapping[str, object] = data
        self._seen: set[str] = set()

    def fail(self, message: str) -> NoReturn:
        """Raise a CatalogueError naming this file and entry."""
        raise CatalogueError(self.file, message, self.name)

    def child(self, name: str, data: object) -> Entry:
        """Return a reader for a nested table, named relative to this entry."""
        full = f"{self.name} {name}" if self.name else name
        return Entry(self.file, full, data)

    def keys(self) -> list[str]:
        """The table's keys, in file order."""
        return list(self._data)

    def has(self, key: str) -> bool:
        """Return True when ``key`` is present."""
        return key in self._data

    def _get(self, key: str, default: object) -> object:
        self._seen.add(key)
        if key in self._data:
            return self._data[key]
        if default is _MISSING:
            self.fail(f"missing required key '{key}'")
        return default

    def _defaulted(self, key: str, default: object) -> bool:
        """True when ``key`` is absent and a default was given (the default is then used)."""
        self._seen.add(key)
        return key not in self._data and default is not _MISSING

    def text(self, key: str, default: object = _MISSING) -> str:
        """A non-empty string."""
        if self._defaulted(key, default):
            return default  # type: ignore[return-value]
        value = self._get(key, _MISSING)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key} must be a non-empty string")
        return value

    def flag(self, key: str, default: object = _MISSING) -> bool:
        """A boolean."""
        value = self._get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{key} must be true or false")
        return value

    def integer(self, key: str, low: int, high: int, default: object = _MISSING) -> int:
        """An integer in [low, high]; booleans are rejected."""
        value = self._get(key, default)
        if type(value) is not int or not low <= value <= high:
            self.fail(f"{key} must be an integer {low}..{high}")
        return value

    def optional_integer(self, key: str, low: int, high: int) -> int | None:
        """An integer in [low, high], or None when absent."""
        if self._defaulted(key, None):
            return None
        return self.integer(key, low, high)

    def choice(self, key: str, choices: Collection[str], default: object = _MISSING) -> str:
        """One of ``choices``."""
        value = self._get(key, default)
        if value not in choices:
            self.fail(f"{key} must be one of {', '.join(sorted(choices))}")
        return str(value)

    def texts(
        self, key: str, default: object = _MISSING, allowed: Collection[str] | None = None
    ) -> tuple[str, ...]:
        """A list of distinct non-empty strings, optionally from ``allowed``."""
        if self._defaulted(key, default):
            return default  # type: ignore[return-value]
        value = self._get(key, _MISSING)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(f"{key} must be a list of non-empty strings")
        if len(set(value)) != len(value):
            self.fail(f"{key} has duplicate values")
        if allowed is not None:
            for v in value:
                if v not in allowed:
                    self.fail(f"{key} has unknown value '{v}'")
        return tuple(value)

    def int_pair(self, key: str, low: int, high: int) -> tuple[int, int]:
        """Two ascending integers in [low, high]."""
        value = self._get(key, _MISSING)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(type(v) is int and low <= v <= high for v in value)
            or value[0] > value[1]
        ):
            self.fail(f"{key} must be two integers {low}..{high}, lowest first")
        return (value[0], value[1])

    def table(self, key: str, default: object = _MISSING) -> Entry:
        """A nested table."""
        return self.child(key, self._get(key, default))

    def tables(self, key: str) -> list[Entry]:
        """An array of tables (possibly absent, meaning empty)."""
        value = self._get(key, [])
        if not isinstance(value, list):
            self.fail(f"{key} must be an array of tables")
        return [self.child(f"{key} {i + 1}", item) for i, item in enumerate(value)]

    def raw(self, key: str, default: object = _MISSING) -> object:
        """The value as parsed, for keys validated by the caller."""
        return self._get(key, default)

    def done(self) -> None:
        """Fail on any key that was not read: unknown keys are almost always typos."""
        extra = sorted(set(self._data) - self._seen)
        if extra:
            self.fail(f"unknown key(s) {', '.join(repr(k) for k in extra)}")


def keyed_tables(top: Entry, key: str, kind: str) -> list[tuple[str, Entry]]:
    """Read ``[key.<slug>]`` tables, checking slugs; entries are named ``"<kind> '<slug>'"``."""
    group = top.raw(key, {})
    if not isinstance(group, Mapping):
        top.fail(f"'{key}' must be a table of {kind} entries")
    result = []
    for slug, data in group.items():
        entry = Entry(top.file, f"{kind} '{slug}'", data)
        if not SLUG.match(slug):
            entry.fail("id must be lower-case words joined by hyphens")
        result.append((slug, entry))
    return result


def check_refs(
    entry: Entry, key: str, ids: Iterable[str], known: Collection[str], what: str
) -> None:
    """Fail when any id in ``ids`` is not in ``known``."""
    for ref in ids:
        if ref not in known:
            entry.fail(f"{key} cites unknown {what} '{ref}'")


def require_some(doc: Entry, items: Mapping[str, object], what: str) -> None:
    """Fail when a file defines no entries of a kind."""
    if not items:
        doc.fail(f"must define at least one {what}")


def confidence_of(e: Entry, key: str = "confidence") -> Confidence:
    """A V/P/U confidence tag."""
    return Confidence(e.choice(key, CONFIDENCES))


def evidence_ids(
    e: Entry, evidence: Mapping[str, Evidence], key: str = "evidence"
) -> tuple[str, ...]:
    """A list of evidence ids, each of which must exist."""
    ids = e.texts(key, ())
    check_refs(e, key, ids, evidence, "evidence id")
    return ids
