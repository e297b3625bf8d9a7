"""The demo is served as ./dev demo serves it: gunicorn with the demo settings (debug off, a
secret generated on first run under var/, static files through WhiteNoise), and it holds up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.utils import timezone

from tests.apps.progress.builders import make_course
from tests.reliability import servers
from unknot.apps.progress.tokens import SALT

OLD_DEFAULT_KEY = "dev-only-insecure-key-never-used-in-production"
"""The SECRET_KEY the repository used to carry, with which anyone could sign links."""

DEMO_ENV_UNSET = ("SECRET_KEY", "UNKNOT_FIELD_KEYS", "UNKNOT_BACKUP_KEYS", "DEBUG", "PYTEST")


def demo_env(var: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(DEMO_ENV_UNSET)}
    env.update(
        DJANGO_SETTINGS_MODULE="unknot.config.settings.demo",
        UNKNOT_VAR_DIR=str(var),
        DATABASE_URL=database_url,
    )
    return env


@pytest.fixture(scope="module")
def demo_var(tmp_path_factory):
    """A fresh var/ with static files collected, as ./dev demo leaves it before serving. The
    field key is the suite's (the tests write the rows the server reads); the secret key is
    left for the demo to generate."""
    var = tmp_path_factory.mktemp("demo-var")
    (var / "secrets").mkdir(mode=0o700)
    key = var / "secrets" / "field-key"
    key.write_text(settings.FIELD_ENCRYPTION_KEYS[0] + "\n")
    key.chmod(0o600)
    subprocess.run(
        [sys.executable, "-m", "unknot.cli", "collectstatic", "--no-input", "--verbosity", "0"],
        env=demo_env(var, f"sqlite:///{var / 'unused.sqlite3'}"),
        check=True,
        timeout=300,
        cwd=servers.ROOT,
    )
    return var


@pytest.fixture(scope="module")
def demo(demo_var, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        database_url = servers.database_url_of_tests()
    port = servers.free_port()
    log = open(demo_var / "gunicorn.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            servers.GUNICORN,
            "-c",
            "python:unknot.config.gunicorn_demo",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=demo_env(demo_var, database_url),
        cwd=servers.ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        servers.wait_healthy(base)
        yield base
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_the_demo_generates_its_own_private_secret(demo, demo_var):
    secret = demo_var / "secrets" / "secret-key"
    assert secret.stat().st_mode & 0o777 == 0o600
    value = secret.read_text().strip()
    assert len(value) >= 50 and value != OLD_DEFAULT_KEY


def test_no_default_secret_key_is_left_in_the_code():
    sources = Path(servers.ROOT, "src").rglob("*.py")
    assert not [p for p in sources if OLD_DEFAULT_KEY in p.read_text()]


def test_debug_is_off_and_a_404_is_not_a_debug_page(demo, demo_var):
    status, body = servers.get(demo + "/no-such-page/")
    assert status == 404
    for debug_text in (b"URLconf", b"Django tried these URL patterns", b"DEBUG = True"):
        assert debug_text not in body
    probe = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; print(s.DEBUG)"],
        env={**demo_env(demo_var, "sqlite:///x"), "PYTHONPATH": str(servers.ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.stdout.strip() == "False", probe.stderr


def test_static_files_are_served_by_whitenoise(demo, demo_var):
    manifest = json.loads((demo_var / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/unknot.css"]
    status, _ = servers.get(f"{demo}/static/{hashed}")
    assert status == 200


@pytest.mark.django_db(transaction=True)
def test_a_check_in_link_forged_with_the_old_default_key_is_refused(demo, demo_var, practice):
    course = make_course(practice, timezone.now().replace(microsecond=0))
    booking = course["next"]
    payload = {"b": booking.uid, "k": "before", "c": booking.client.uid}
    real_key = (demo_var / "secrets" / "secret-key").read_text().strip()

    forged = signing.dumps(payload, key=OLD_DEFAULT_KEY, salt=SALT, compress=True)
    status, body = servers.get(f"{demo}/progress/c/{forged}/")
    assert status == 404 and b"not valid" in body

    genuine = signing.dumps(payload, key=real_key, salt=SALT, compress=True)
    status, body = servers.get(f"{demo}/progress/c/{genuine}/")
    assert status == 200, body[:500]


def test_fifty_simultaneous_clients_all_get_an_answer(demo):
    clients = 50
    start = threading.Barrier(clients)
    answers: list[object] = [None] * clients

    def visit(i: int) -> None:
        start.wait(timeout=30)
        try:
            with urllib.request.urlopen(demo + "/", timeout=60) as response:
                response.read()
                answers[i] = response.status
        except urllib.error.HTTPError as error:
            answers[i] = error.code
        except OSError as error:  # a reset or refused connection
            answers[i] = repr(error)

    threads = [threading.Thread(target=visit, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers == [200] * clients
