"""Load and validate the catalogue TOML files.

Every problem raises :class:`CatalogueError` naming the file and the entry. Cross-references
(evidence ids, technique slugs, rule slugs, ...) are checked so that a catalogue that loads is
internally consistent.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType

from ._fields import Entry
from ._parse_content import (
    parse_evidence,
    parse_goals,
    parse_regions,
    parse_symptoms,
    parse_techniques,
)
from ._parse_plans import parse_measures, parse_protocols, parse_questions
from ._parse_safety import parse_red_flags, parse_rules, parse_screen_groups
from .catalogue import Catalogue
from .errors import CatalogueError

DATA_FILES = (
    "evidence",
    "techniques",
    "regions",
    "conditions",
    "symptoms",
    "goals",
    "red_flags",
    "measures",
    "programs",
    "questions",
)
MANIFEST = "catalogue"
_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\d+$")


def load_catalogue(path: str | os.PathLike[str] | Traversable | None = None) -> Catalogue:
    """Return the validated catalogue.

    With no argument, load the data files shipped inside this package; the result is cached,
    so repeated calls are free and return the same object. With ``path`` (a directory holding
    ``catalogue.toml`` and the data files), load that directory afresh, uncached: tests use it
    for deliberately broken files.

    Raises:
        CatalogueError: a file is missing, is not valid TOML, or fails validation; the message
            names the file and the entry.
    """
    if path is None:
        return _packaged_catalogue()
    root = Path(path) if isinstance(path, str | os.PathLike) else path
    return _load(root)


@functools.cache
def _packaged_catalogue() -> Catalogue:
    return _load(resources.files(__package__).joinpath("data"))


def _read(root: Traversable, name: str) -> Entry:
    file = f"{name}.toml"
    try:
        raw = root.joinpath(file).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise CatalogueError(file, "file is missing") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogueError(file, "file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(file, f"not valid TOML ({exc})") from exc
    return Entry(file, None, data)


def _version(entry: Entry, key: str = "version") -> str:
    value = entry.text(key)
    match = _VERSION.match(value)
    try:
        valid = match is not None and bool(datetime.date.fromisoformat(match.group(1)))
    except ValueError:
        valid = False
    if not valid:
        entry.fail(f"{key} '{value}' must look like YYYY-MM-DD.N with a real date")
    return value


def _load(root: Traversable) -> Catalogue:
    manifest = _read(root, MANIFEST)
    version = _version(manifest)
    files = manifest.table("files")
    file_versions = {name: _version(files, name) for name in DATA_FILES}
    files.done()
    manifest.done()

    docs: dict[str, Entry] = {}
    for name in DATA_FILES:
        doc = _read(root, name)
        if _version(doc) != file_versions[name]:
            doc.fail(
                f"version '{file_versions[name]}' expected by catalogue.toml, "
                f"found '{doc.raw('version')}'"
            )
        docs[name] = doc

    evidence = parse_evidence(docs["evidence"])
    techniques = parse_techniques(docs["techniques"], evidence)
    regions = parse_regions(docs["regions"], techniques, evidence)
    screen_groups = parse_screen_groups(docs["conditions"])
    rules = parse_rules(docs["conditions"], techniques, evidence, screen_groups)
    symptoms = parse_symptoms(docs["symptoms"], techniques, evidence, regions, rules)
    goals = parse_goals(docs["goals"], techniques, evidence, rules)
    red_flags = parse_red_flags(docs["red_flags"], evidence, rules)
    measures = parse_measures(docs["measures"], evidence)
    protocols = parse_protocols(docs["programs"], evidence, symptoms, regions, goals, measures)
    questions = parse_questions(docs["questions"], techniques, rules)
    for doc in docs.values():
        doc.done()

    return Catalogue(
        version=version,
        file_versions=MappingProxyType(file_versions),
        evidence=MappingProxyType(evidence),
        techniques=MappingProxyType(techniques),
        regions=MappingProxyType(regions),
        symptoms=MappingProxyType(symptoms),
        goals=MappingProxyType(goals),
        rules=MappingProxyType(rules),
        red_flags=MappingProxyType(red_flags),
        measures=MappingProxyType(measures),
        protocols=MappingProxyType(protocols),
        questions=questions,
        screen_groups=MappingProxyType(screen_groups),
    )
