import os
import subprocess
import sys

import pytest


def _check(env_extra: dict) -> subprocess.CompletedProcess:
    unset = ("SECRET_KEY", "DATABASE_URL", "UNKNOT_FIELD_KEYS", "UNKNOT_BACKUP_KEYS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update({"DJANGO_SETTINGS_MODULE": "unknot.config.settings.prod", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "unknot.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _check({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


FIELD_KEY = "x" * 43 + "="  # 32 bytes in url-safe base64: a well-formed Fernet key


def test_production_settings_refuse_to_start_without_field_keys():
    result = _check({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "practice.example"})
    assert result.returncode != 0
    assert "UNKNOT_FIELD_KEYS is not set" in result.stderr


@pytest.mark.parametrize("variable", ["UNKNOT_FIELD_KEYS", "UNKNOT_BACKUP_KEYS"])
def test_production_settings_refuse_a_malformed_key(variable):
    keys = {"UNKNOT_FIELD_KEYS": FIELD_KEY, variable: f"{FIELD_KEY},not-a-key"}
    result = _check({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "practice.example", **keys})
    assert result.returncode != 0
    assert f"{variable}: key 2 is not a Fernet key" in result.stderr


def test_production_settings_start_with_secret_key_from_environment():
    result = _check(
        {
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "practice.example",
            "UNKNOT_FIELD_KEYS": FIELD_KEY,
        }
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_database_url_selects_postgresql(monkeypatch):
    from unknot.config import env

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/unknot")
    config = env.database_url()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "unknot"
    assert config["HOST"] == "127.0.0.1"


def test_sqlite_under_var_is_the_default(monkeypatch):
    from unknot.config import env

    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.database_url()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert str(config["NAME"]).endswith("var/unknot.sqlite3")
