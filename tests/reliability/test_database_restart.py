"""PostgreSQL restarts while requests run: nothing answers 500, and the app serves again on
its own (persistent connections with CONN_HEALTH_CHECKS) without restarting or repair.

The test starts a PostgreSQL cluster of its own (the suite's cluster must stay up for the
other tests), migrates it, serves the app from gunicorn with two workers, keeps reads and
writes going, and restarts the cluster with ``pg_ctl restart`` in the middle.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.reliability import servers

pytestmark = [pytest.mark.postgres_only]


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    assert found, f"{name} is missing: PostgreSQL server packages are needed"
    return found[-1]


class Cluster:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="unknot-restart-pg-"))
        self.port = servers.free_port()
        self.runner = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.runner = ["runuser", "-u", "postgres", "--"]

    def run(self, *args: str) -> None:
        subprocess.run([*self.runner, *args], check=True, capture_output=True, timeout=120)

    def ctl(self, action: str) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        self.run(
            _bin("pg_ctl"),
            "-D",
            str(self.dir / "data"),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-t",
            "60",
            "-m",
            "fast",
            "-o",
            options,
            action,
        )

    def start(self) -> None:
        self.run(
            _bin("initdb"),
            "-D",
            str(self.dir / "data"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        )
        self.ctl("start")
        self.run(
            _bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "unknot"
        )

    def stop(self) -> None:
        subprocess.run(
            [*self.runner, _bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/unknot"


@pytest.fixture
def cluster():
    c = Cluster()
    c.start()
    yield c
    c.stop()


def _request(base: str, n: int) -> int:
    if n % 3 == 2:
        body = json.dumps({"email": f"load{n}@example.test", "password": "calm-Back-2026"})
        request = urllib.request.Request(
            base + "/api/v1/auth/signup",
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
    else:
        request = urllib.request.Request(base + ("/healthz" if n % 3 else "/api/v1/therapists"))
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_app_rides_out_a_database_restart(cluster):
    env = {k: v for k, v in os.environ.items()}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.reliability.server_settings",
        SECRET_KEY="restart-test-" + "s" * 40,
        UNKNOT_FIELD_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=cluster.url,
        PYTHONPATH=str(servers.ROOT),
    )
    subprocess.run(
        [sys.executable, "-m", "unknot.cli", "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
        cwd=servers.ROOT,
    )

    results: list[tuple[float, int]] = []
    stop = threading.Event()

    with servers.gunicorn(cluster.url, workers=2) as (base, _process):

        def load(offset: int):
            n = offset
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = _request(base, n)
                except OSError:
                    status = -1
                results.append((started, status))
                n += 2

        threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(2)]
        for t in threads:
            t.start()
        time.sleep(2)
        restart_began = time.monotonic()
        cluster.ctl("restart")
        back = time.monotonic()
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(timeout=30)

    # Requests in flight when the restart began may meet it; those well before must not.
    before = [s for t, s in results if t < restart_began - 1.0]
    after = [s for t, s in results if t > back + 0.5]
    assert before and all(200 <= s < 300 for s in before), sorted(set(before))
    assert all(s != 500 and s != -1 for _, s in results), sorted({s for _, s in results})
    assert len(after) >= 10, after
    assert all(200 <= s < 300 for s in after), after
