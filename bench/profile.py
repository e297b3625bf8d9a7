"""Profile one bench scenario in-process: query count, time per request, pyinstrument tree.

    python -m bench.profile --engine sqlite --name s200 --scenario soonest [--html out.html]

Uses Django's test client against a generated bench database with production settings, so the
middleware, django-ninja and the ORM are the ones gunicorn runs. Prints the queries of one
request and a pyinstrument profile of ``--repeat`` requests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import time

from bench import common
from bench.workload import weekdays_from


def paths(manifest: dict, scenario: str, duration: int) -> list[str]:
    today = dt.date.fromisoformat(manifest["today"])
    days = weekdays_from(today, 10, skip=2)
    technique = manifest["technique"]
    out = []
    for uid in manifest["therapist_uids"][:20]:
        for day in days:
            base = f"/api/v1/availability?technique={technique}&duration={duration}&therapist={uid}"
            span = 1 if scenario == "day" else 7
            out.append(f"{base}&start={day}&end={day + dt.timedelta(days=span)}")
    if scenario == "soonest":
        out = [f"/api/v1/availability/soonest?technique={technique}&duration={duration}&days=14"]
    if scenario == "floor":
        out = ["/bench/floor"]
    return out


def explain(manifest: dict) -> None:
    """The database's plan for one therapist's busy time over seven days (history or not)."""
    from django.db import connection
    from django.utils import timezone

    from unknot.apps.booking.selectors import live_bookings_in
    from unknot.apps.therapists.models import Therapist
    from unknot.domain.scheduling import TimeRange

    therapist = Therapist.objects.get(uid=manifest["therapist_uids"][0])
    now = timezone.now()
    qs = (
        live_bookings_in(TimeRange(now, now + dt.timedelta(days=7)))
        .filter(therapist_id=therapist.pk)
        .order_by()
        .values_list("pk", "therapist_id", "busy_from", "busy_until")
    )
    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    print("\n".join(" ".join(str(c) for c in row[-1:]) for row in rows))


def profile_booking(client, manifest: dict, repeat: int, html: str | None) -> None:
    """POST /api/v1/bookings for free slots (random ones: the database keeps what is booked)."""
    import json
    import random

    from pyinstrument import Profiler

    slots = random.sample(manifest["booking_slots"], repeat + 1)
    tokens = manifest["tokens"]

    def post(i: int):
        uid, start = slots[i]
        return client.post(
            "/api/v1/bookings",
            data=json.dumps({"technique": manifest["technique"], "therapist": uid, "start": start}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"},
        )

    response = post(repeat)
    print(f"POST /api/v1/bookings: {response.status_code} {response.content[:200]!r}")
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    profiler.start()
    statuses = [post(i).status_code for i in range(repeat)]
    profiler.stop()
    elapsed = time.perf_counter() - started
    print(f"  {repeat} bookings: {elapsed / repeat * 1000:.2f} ms each (profiled), {statuses[:5]}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if html:
        with open(html, "w") as out:
            out.write(profiler.output_html())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--name", default="s200")
    parser.add_argument(
        "--scenario", default="day", choices=["floor", "day", "week", "soonest", "book"]
    )
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="print the plan of the busy-time query and exit"
    )
    parser.add_argument(
        "--timing", action="store_true", help="no profiler: best of 5 timed runs per scenario"
    )
    args = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = "unknot.config.settings.prod"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["UNKNOT_BENCH_FLOOR"] = "1"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    common.setup_django(args.engine, args.name)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    manifest = common.load_manifest(args.engine, args.name)
    client = Client()
    if args.explain:
        explain(manifest)
        return
    if args.timing:
        for scenario in ("floor", "day", "week", "soonest"):
            urls = paths(manifest, scenario, args.duration)
            client.get(urls[0])
            queries: list[str] = []

            def count(run, sql, *rest, queries=queries):
                queries.append(sql)
                return run(sql, *rest)

            with connection.execute_wrapper(count):
                client.get(urls[0])
            # CPU time of this process (the database is in-process for SQLite, another
            # process for PostgreSQL), best of five: other work on the machine skews it least.
            best = wall = float("inf")
            for _ in range(5):
                started, clock = time.process_time(), time.perf_counter()
                for i in range(args.repeat):
                    response = client.get(urls[i % len(urls)])
                    assert response.status_code == 200, response.content[:300]
                best = min(best, (time.process_time() - started) / args.repeat)
                wall = min(wall, (time.perf_counter() - clock) / args.repeat)
            # Wall time includes the database server's work (PostgreSQL is another process).
            print(
                f"{args.engine}/{args.name} {scenario:>8}: {best * 1000:7.2f} ms CPU/request, "
                f"{wall * 1000:7.2f} ms wall, {len(queries)} queries"
            )
        return
    if args.scenario == "book":
        profile_booking(client, manifest, args.repeat, args.html)
        return
    urls = paths(manifest, args.scenario, args.duration)
    assert client.get(urls[0]).status_code == 200, client.get(urls[0]).content[:500]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(urls[0])
    print(
        f"{urls[0]}\n  status {response.status_code}, {len(response.content)} bytes, "
        f"{len(queries)} queries"
    )
    if args.show_queries:
        for query in queries.captured_queries:
            print(f"  {query['time']}s  {query['sql'][:300]}")
    started = time.perf_counter()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in range(args.repeat):
        client.get(urls[i % len(urls)])
    profiler.stop()
    elapsed = time.perf_counter() - started
    print(f"  {args.repeat} requests: {elapsed / args.repeat * 1000:.2f} ms each (profiled)")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())


if __name__ == "__main__":
    main()
