"""Static files as production and the demo serve them: hashed names, compressed, by WhiteNoise."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    def is_source_map(pattern) -> bool:
        return "sourceMappingURL" in (pattern if isinstance(pattern, str) else pattern[0])

    return tuple(
        (extension, tuple(p for p in found if not is_source_map(p)))
        for extension, found in patterns
    )


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, leaving source-map comments alone: vendored libraries
    (Chart.js) point to maps they do not ship, and a missing map must not fail collectstatic."""

    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
