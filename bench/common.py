"""Paths, database addresses and Django start-up shared by the bench scripts."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VAR = BENCH / "var"
DB_DIR = VAR / "db"
RESULTS = VAR / "results"
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "54401"))

# The bench's synthetic data is encrypted like production's (encrypted clinical fields) with one
# fixed key, so databases generated once are read by every later run and by every process.
BENCH_FIELD_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"unknot bench field key").digest())
os.environ.setdefault("UNKNOT_FIELD_KEYS", BENCH_FIELD_KEY.decode())


def database_url(engine: str, name: str) -> str:
    """Where the bench database ``name`` lives: a file under bench/var/db or the bench cluster."""
    if engine == "sqlite":
        return f"sqlite:///{DB_DIR / (name + '.sqlite3')}"
    if engine == "postgres":
        return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"
    raise ValueError(f"unknown engine {engine!r}")


def manifest_path(engine: str, name: str) -> Path:
    return DB_DIR / f"{engine}-{name}.json"


def load_manifest(engine: str, name: str) -> dict:
    return json.loads(manifest_path(engine, name).read_text())


def setup_django(engine: str, name: str) -> None:
    """Point Django at a bench database (not the developer's var/) and start it."""
    os.environ["DATABASE_URL"] = database_url(engine, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unknot.config.settings.base")
    os.environ.setdefault("UNKNOT_VAR_DIR", str(VAR / "unknot-var"))
    import django

    django.setup()


def pg_admin_connect():
    """A psycopg connection to the bench cluster's maintenance database, autocommit."""
    import psycopg

    return psycopg.connect(
        f"host=127.0.0.1 port={PG_PORT} user=postgres dbname=postgres", autocommit=True
    )
