"""Run the whole benchmark: build the databases, serve Unknot and the peer, load them, report.

Called by bench/run, which has installed wrk, PostgreSQL and the peer's virtual environment and
started the bench PostgreSQL cluster. ``python -m bench.driver --mode smoke`` for a short check,
``--mode full`` for the figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench import common
from bench.generate import healthy_intake
from bench.workload import weekdays_from

UNKNOT_PORT = int(os.environ.get("BENCH_UNKNOT_PORT", "8801"))
PEER_PORT = int(os.environ.get("BENCH_PEER_PORT", "8802"))
PEER_PYTHON = common.VAR / "peer-venv" / "bin" / "python"
PEER_GUNICORN = common.VAR / "peer-venv" / "bin" / "gunicorn"
THREADS = 2
RACERS = 50


@dataclass(frozen=True)
class Mode:
    sizes: tuple[int, ...]
    history: int
    duration: int
    warmup: int
    booking_duration: int
    connections: int


MODES = {
    "smoke": Mode(
        sizes=(10, 50), history=20_000, duration=3, warmup=1, booking_duration=3, connections=4
    ),
    "full": Mode(
        sizes=(10, 50, 200),
        history=1_000_000,
        duration=10,
        warmup=2,
        booking_duration=15,
        connections=4,
    ),
}


def log(message: str) -> None:
    print(f"\033[1m--> {message}\033[0m", flush=True)


# --- databases ------------------------------------------------------------------------------


def generate(engine: str, name: str, *extra: str) -> dict:
    subprocess.run(
        [sys.executable, "-m", "bench.generate", "--engine", engine, "--name", name, *extra],
        check=True,
        cwd=common.ROOT,
    )
    return common.load_manifest(engine, name)


def peer_env(engine: str, name: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(common.ROOT),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BENCH_PEER_ENGINE": engine,
        "BENCH_PEER_DB": name,
        "BENCH_PG_PORT": str(common.PG_PORT),
        "DJANGO_SETTINGS_MODULE": "bench.peer.settings",
    }


def seed_peer(engine: str, name: str, therapists: int, today: str, history: int) -> dict:
    if engine == "sqlite":
        (common.DB_DIR / f"{name}.sqlite3").unlink(missing_ok=True)
    else:
        with common.pg_admin_connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    manifest = common.DB_DIR / f"{engine}-{name}.json"
    subprocess.run(
        [
            str(PEER_PYTHON),
            "-m",
            "bench.peer.seed",
            "--therapists",
            str(therapists),
            "--today",
            today,
            "--history",
            str(history),
            "--manifest",
            str(manifest),
        ],
        env=peer_env(engine, name),
        check=True,
        cwd=common.ROOT,
    )
    return json.loads(manifest.read_text())


# --- servers --------------------------------------------------------------------------------


class Server:
    """gunicorn with two sync workers on 127.0.0.1, stopped with SIGTERM to its own pid."""

    def __init__(self, label: str, command: list[str], env: dict, port: int, probe: str) -> None:
        self.label, self.port, self.probe = label, port, probe
        logs = common.VAR / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log = open(logs / f"{label}.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, env=env, cwd=common.ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        url = f"http://127.0.0.1:{self.port}{self.probe}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} exited; see bench/var/logs/{self.label}.log")
            try:
                request = urllib.request.Request(
                    url, headers={"X-Requested-With": "XMLHttpRequest"}
                )
                with urllib.request.urlopen(request, timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.label} did not answer on port {self.port}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def gunicorn_args(app: str, port: int) -> list[str]:
    return [
        app,
        "--workers",
        "2",
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--backlog",
        "2048",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]


def start_unknot(engine: str, name: str) -> Server:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unknot.config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": common.database_url(engine, name),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "UNKNOT_BENCH_FLOOR": "1",
        "UNKNOT_VAR_DIR": str(common.VAR / "unknot-var"),
        # Production counts requests in memcached; bench/run starts one of its own. The
        # per-address limit on assessments would turn a load run from one address into 429s.
        "UNKNOT_CACHE_LOCATION": f"127.0.0.1:{os.environ.get('BENCH_MEMCACHED_PORT', '11311')}",
        "UNKNOT_RATE_ASSESSMENT": "100000000/h",
        "UNKNOT_RATE_BOOKING": "100000000/h",
        "UNKNOT_RATE_PROGRAM": "100000000/h",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return Server(
        f"unknot-{engine}-{name}",
        [gunicorn, *gunicorn_args("unknot.config.wsgi:application", UNKNOT_PORT)],
        env,
        UNKNOT_PORT,
        "/bench/floor",
    )


def start_peer(engine: str, name: str) -> Server:
    return Server(
        f"peer-{engine}-{name}",
        [str(PEER_GUNICORN), *gunicorn_args("bench.peer.wsgi:application", PEER_PORT)],
        peer_env(engine, name),
        PEER_PORT,
        "/appointment/ajax/fetch_staff_list/",
    )


# --- load -----------------------------------------------------------------------------------


def write_requests(path: Path, lines: list[tuple[str, str, str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(fields) + "\n" for fields in lines))
    return path


def wrk(port: int, requests: Path, seconds: int, connections: int, split: bool = False) -> dict:
    out = requests.with_suffix(".json")
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "BENCH_REQUESTS": str(requests),
        "BENCH_THREADS": str(THREADS),
        "BENCH_SPLIT": "1" if split else "0",
        "BENCH_OUT": str(out),
    }
    subprocess.run(
        [
            "wrk",
            f"-t{THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(common.BENCH / "wrk" / "requests.lua"),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        check=True,
        cwd=common.ROOT,
        stdout=subprocess.DEVNULL,
    )
    raw = json.loads(out.read_text())
    seconds_run = raw["duration_us"] / 1e6
    ok = sum(v for k, v in raw["statuses"].items() if k.startswith("2"))
    return {
        "requests": raw["requests"],
        "seconds": round(seconds_run, 2),
        "rps": round(raw["requests"] / seconds_run, 1),
        "ok_per_s": round(ok / seconds_run, 1),
        "p50_ms": raw["latency_us"]["p50"] / 1000,
        "p95_ms": raw["latency_us"]["p95"] / 1000,
        "p99_ms": raw["latency_us"]["p99"] / 1000,
        "max_ms": raw["latency_us"]["max"] / 1000,
        "statuses": raw["statuses"],
        "socket_errors": {k: v for k, v in raw["errors"].items() if k != "status" and v},
    }


def measure(label: str, port: int, lines: list, mode: Mode, work: Path, warm: list | None = None):
    """One warm-up run (discarded), then the measured run; returns the measured figures."""
    if mode.warmup:
        wrk(port, write_requests(work / f"{label}-warmup.tsv", warm or lines), mode.warmup, 2)
    result = wrk(
        port, write_requests(work / f"{label}.tsv", lines), mode.duration, mode.connections
    )
    log(
        f"{label:>14}: {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.2f}  "
        f"p95 {result['p95_ms']:7.2f}  p99 {result['p99_ms']:7.2f} ms  {result['statuses']}"
    )
    return result


def has_assessment_endpoint() -> bool:
    url = f"http://127.0.0.1:{UNKNOT_PORT}/api/v1/openapi.json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            spec = json.loads(response.read())
    except (OSError, ValueError):
        return False
    return "post" in spec.get("paths", {}).get("/api/v1/assessments", {})


def read_scenarios(manifest: dict, peer: dict | None, mode: Mode, work: Path) -> dict:
    today = dt.date.fromisoformat(manifest["today"])
    days = weekdays_from(today, 10, skip=2)
    uids = manifest["therapist_uids"][:50]
    technique = manifest["technique"]
    get = "GET"
    day_lines, week_lines = [], []
    for uid in uids:
        for day in days:
            base = f"/api/v1/availability?technique={technique}&duration=60&therapist={uid}"
            day_lines.append((get, f"{base}&start={day}&end={day + dt.timedelta(days=1)}", "-", ""))
            week_lines.append(
                (get, f"{base}&start={day}&end={day + dt.timedelta(days=7)}", "-", "")
            )
    soonest_lines = [
        (get, f"/api/v1/availability/soonest?technique={technique}&duration={d}&days=14", "-", "")
        for d in manifest["durations"]
    ]
    results = {
        "floor": measure("floor", UNKNOT_PORT, [(get, "/bench/floor", "-", "")], mode, work),
        "day": measure("day", UNKNOT_PORT, day_lines, mode, work),
        "week": measure("week", UNKNOT_PORT, week_lines, mode, work),
        "soonest": measure("soonest", UNKNOT_PORT, soonest_lines, mode, work),
    }
    if has_assessment_endpoint():
        body = json.dumps(healthy_intake())
        lines = [
            (
                "POST",
                "/api/v1/assessments",
                f"Authorization: Bearer {token}|Content-Type: application/json",
                body,
            )
            for token in manifest["tokens"][:200]
        ]
        results["assessment"] = measure("assessment", UNKNOT_PORT, lines, mode, work)
    if peer is not None:
        ajax = "X-Requested-With: XMLHttpRequest"
        service = peer["service_ids"]["60"]
        staff = peer["staff_ids"][:50]
        peer_day = [
            (
                get,
                f"/appointment/ajax/available_slots/?selected_date={day}&staff_member={sid}"
                f"&service_id={service}",
                ajax,
                "",
            )
            for sid in staff
            for day in days
        ]
        peer_next = [
            (
                get,
                f"/appointment/ajax/request_next_available_slot/{service}/?staff_member={sid}",
                ajax,
                "",
            )
            for sid in staff
        ]
        results["peer_day"] = measure("peer_day", PEER_PORT, peer_day, mode, work)
        results["peer_next"] = measure("peer_next", PEER_PORT, peer_next, mode, work)
    return results


def booking_lines(manifest: dict, slots: list, offset: int) -> list:
    tokens = manifest["tokens"]
    lines = []
    for i, (uid, start) in enumerate(slots):
        body = json.dumps(
            {"technique": manifest["technique"], "duration": 60, "therapist": uid, "start": start}
        )
        headers = (
            f"Authorization: Bearer {tokens[(offset + i) % len(tokens)]}"
            f"|Content-Type: application/json|Idempotency-Key: bench-{offset + i}"
        )
        lines.append(("POST", "/api/v1/bookings", headers, body))
    return lines


def booking_throughput(manifest: dict, mode: Mode, work: Path) -> dict:
    slots = manifest["booking_slots"]
    warm, rest = slots[:300], slots[300:]
    if mode.warmup:
        wrk(
            UNKNOT_PORT,
            write_requests(work / "book-warmup.tsv", booking_lines(manifest, warm, 0)),
            mode.warmup,
            2,
            split=True,
        )
    lines = booking_lines(manifest, rest, len(warm))
    result = wrk(
        UNKNOT_PORT,
        write_requests(work / "book.tsv", lines),
        mode.booking_duration,
        mode.connections,
        split=True,
    )
    result["bookings_per_s"] = round(result["statuses"].get("201", 0) / result["seconds"], 1)
    result["slots_offered"] = len(lines)
    log(
        f"{'booking':>14}: {result['bookings_per_s']:8.1f} bookings/s  p50 {result['p50_ms']:7.2f}"
        f"  p95 {result['p95_ms']:7.2f}  p99 {result['p99_ms']:7.2f} ms  {result['statuses']}"
    )
    return result


def race(manifest: dict, slot_index: int) -> dict:
    """RACERS clients post the same slot at once; exactly one may win, the rest get 409."""
    uid, start = manifest["race_slots"][slot_index]
    body = json.dumps(
        {"technique": manifest["technique"], "duration": 60, "therapist": uid, "start": start}
    ).encode()
    gate = threading.Barrier(RACERS)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def racer(i: int) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{UNKNOT_PORT}/api/v1/bookings",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {manifest['tokens'][i]}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"race-{slot_index}-{i}",
            },
        )
        gate.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                outcome = (response.status, json.loads(response.read()).get("status", ""))
        except urllib.error.HTTPError as error:
            outcome = (error.code, json.loads(error.read() or b"{}").get("code", ""))
        except OSError as error:
            outcome = (0, str(error))
        with lock:
            outcomes.append(outcome)

    started = time.monotonic()
    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    won = sum(1 for code, _ in outcomes if code == 201)
    clean = sum(1 for code, kind in outcomes if code == 409 and kind == "slot_taken")
    result = {
        "racers": RACERS,
        "winners": won,
        "clean_409": clean,
        "other": sorted({f"{code} {kind}" for code, kind in outcomes if code not in (201, 409)}),
        "seconds": round(seconds, 2),
        "passed": won == 1 and clean == RACERS - 1,
    }
    log(f"{'race':>14}: {won} winner, {clean} clean 409s in {seconds:.2f} s")
    return result


def explain(engine: str, name: str) -> str:
    """The database's plan for the busy-time query on the database with the long history."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.profile", "--engine", engine, "--name", name, "--explain"],
        cwd=common.ROOT,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or done.stderr.strip()[-2000:]


# --- the run --------------------------------------------------------------------------------


def versions() -> dict:
    def out(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"

    import sqlite3

    import django
    import gunicorn

    peer = out(
        [
            str(PEER_PYTHON),
            "-c",
            "import importlib.metadata as m; "
            "print(m.version('django-appointment'), m.version('django'))",
        ]
    ).split()
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "sqlite": sqlite3.sqlite_version,
        "postgresql": out([str(pg_bin[-1]), "--version"]).split()[2] if pg_bin else "?",
        "wrk": out(["wrk", "-v"]).split("\n")[0].split(" [")[0] or "wrk",
        "django_appointment": peer[0] if peer else "?",
        "peer_django": peer[1] if len(peer) > 1 else "?",
        "nproc": os.cpu_count(),
        "memory": memory,
        "cpu": cpu,
        "kernel": platform.release(),
        "commit": out(["git", "-C", str(common.ROOT), "rev-parse", "--short", "HEAD"]),
    }


def run(mode_name: str, engines: list[str], with_peer: bool) -> Path:
    mode = MODES[mode_name]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    work = common.VAR / "work" / stamp
    largest = max(mode.sizes)
    record = {
        "mode": mode_name,
        "mode_settings": mode.__dict__,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": versions(),
        "threads": THREADS,
        "runs": [],
        "booking": {},
        "race": {},
        "generation": {},
    }
    for engine in engines:
        log(f"{engine}: building the databases")
        datasets = []
        for size in mode.sizes:
            manifest = generate(engine, f"s{size}", "--therapists", str(size))
            datasets.append((f"s{size}", size, 0, manifest))
        manifest = generate(
            engine, f"s{largest}h", "--copy-of", f"s{largest}", "--add-history", str(mode.history)
        )
        datasets.append((f"s{largest}h", largest, mode.history, manifest))
        record["generation"][engine] = {name: m["seconds"] for name, _, _, m in datasets}
        peers = {}
        if with_peer:
            for name, size, history, manifest in datasets:
                peers[name] = seed_peer(engine, f"peer_{name}", size, manifest["today"], history)
                record["generation"][engine][f"peer_{name}"] = peers[name]["seconds"]
        for name, size, history, manifest in datasets:
            log(f"{engine}/{name}: {size} therapists, {history} past bookings")
            unknot = start_unknot(engine, name)
            peer = start_peer(engine, f"peer_{name}") if with_peer else None
            try:
                results = read_scenarios(manifest, peers.get(name), mode, work / engine / name)
                record["runs"].append(
                    {
                        "engine": engine,
                        "dataset": name,
                        "therapists": size,
                        "history": history,
                        "results": results,
                    }
                )
                if history:
                    record.setdefault("explain", {})[engine] = explain(engine, name)
                if name == f"s{largest}":
                    record["booking"][engine] = booking_throughput(
                        manifest, mode, work / engine / name
                    )
                    record["race"][engine] = race(manifest, 0)
            finally:
                unknot.stop()
                if peer is not None:
                    peer.stop()
    record["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    path = common.RESULTS / f"{stamp}-{mode_name}.json"
    path.write_text(json.dumps(record, indent=1))
    shutil.copyfile(path, common.RESULTS / f"latest-{mode_name}.json")
    log(f"results: {path.relative_to(common.ROOT)}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=sorted(MODES), default="smoke")
    parser.add_argument("--engine", action="append", choices=["sqlite", "postgres"])
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    path = run(args.mode, args.engine or ["sqlite", "postgres"], not args.no_peer)
    if not args.no_report:
        from bench import report

        report.main([str(path)])


if __name__ == "__main__":
    main()
