"""Whole-database backups for SQLite (the online backup API) and PostgreSQL (pg_dump -Fc).

A backup is one file. SQLite's is a consistent copy of the database taken while the app keeps
running; PostgreSQL's is pg_dump's custom format, restored with pg_restore in one transaction.
Uploaded files (MEDIA_ROOT) are not inside: back that folder up beside it (docs/operations.md).

The file on disk is encrypted (Fernet, keys from UNKNOT_BACKUP_KEYS or else UNKNOT_FIELD_KEYS):
``MAGIC`` and then one Fernet token of the database copy. The plain copy exists only in a private
temporary folder while the backup or the restore runs.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

from unknot.common import crypto

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
MAGIC = b"UNKNOT-BACKUP-FERNET-1\n"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why and what to do."""


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


# --- SQLite ----------------------------------------------------------------------------------


def sqlite_backup(target: Path, alias: str = "default") -> None:
    connection = connections[alias]
    connection.ensure_connection()
    partial = target.with_name(target.name + ".partial")
    destination = sqlite3.connect(partial)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    _check_sqlite(partial)
    partial.replace(target)


def _check_sqlite(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not an SQLite database backup.")
    probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (result,) = probe.execute("PRAGMA integrity_check").fetchone()
    finally:
        probe.close()
    if result != "ok":
        raise BackupError(f"{path} is damaged: {result}")


def sqlite_restore(source: Path, alias: str = "default") -> None:
    _check_sqlite(source)
    connection = connections[alias]
    connection.close()
    connection.ensure_connection()
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        origin.backup(connection.connection)
    finally:
        origin.close()
    connection.close()


# --- PostgreSQL ------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if candidates:
        # Prefer the newest server tools: pg_dump refuses servers newer than itself.
        return candidates[-1]
    if found:
        return found
    raise BackupError(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin.")


def _pg_env(alias: str) -> tuple[dict[str, str], list[str]]:
    settings = connections[alias].settings_dict
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    args += ["--dbname", str(settings["NAME"])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def pg_backup(target: Path, alias: str = "default") -> None:
    env, args = _pg_env(alias)
    partial = target.with_name(target.name + ".partial")
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial), *args], env)
    _check_pgdump(partial)
    partial.replace(target)


def _check_pgdump(path: Path) -> None:
    with path.open("rb") as handle:
        if handle.read(5) != PGDUMP_MAGIC:
            raise BackupError(f"{path} is not a PostgreSQL custom-format backup.")
    _run([pg_tool("pg_restore"), "--list", str(path)], dict(os.environ))


def pg_restore(source: Path, alias: str = "default") -> None:
    _check_pgdump(source)
    connections[alias].close()
    env, args = _pg_env(alias)
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )


# --- the two commands' work ------------------------------------------------------------------


@contextmanager
def _private_folder():
    with tempfile.TemporaryDirectory(prefix="unknot-backup-") as folder:
        os.chmod(folder, 0o700)
        yield Path(folder)


def _encrypt_into(plain: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(MAGIC + crypto.encrypt_bytes(plain.read_bytes()))
    partial.replace(target)


def _decrypt_into(source: Path, plain: Path) -> None:
    data = source.read_bytes()
    if data.startswith(MAGIC):
        try:
            clear = crypto.decrypt_bytes(data[len(MAGIC) :])
        except crypto.DecryptionError as error:
            raise BackupError(f"{source}: {error}") from error
    elif data.startswith((SQLITE_MAGIC, PGDUMP_MAGIC)):
        clear = data  # a backup from before backups were encrypted
    else:
        raise BackupError(f"{source} is not a backup made by 'unknot backup'.")
    fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(clear)


def backup(target: Path, alias: str = "default") -> Path:
    target = Path(target).resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a folder; give the backup file's path.")
    target.parent.mkdir(parents=True, exist_ok=True)
    kind = vendor(alias)
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {kind} databases are not supported.")
    with _private_folder() as folder:
        plain = folder / "database"
        if kind == "sqlite":
            sqlite_backup(plain, alias)
        else:
            pg_backup(plain, alias)
        _encrypt_into(plain, target)
    return target


def restore(source: Path, alias: str = "default") -> None:
    source = Path(source).resolve()
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    kind = vendor(alias)
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"Restores into {kind} databases are not supported.")
    with _private_folder() as folder:
        plain = folder / "database"
        _decrypt_into(source, plain)
        if kind == "sqlite":
            sqlite_restore(plain, alias)
        else:
            pg_restore(plain, alias)
