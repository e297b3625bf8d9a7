"""Build a bench database: a practice of N therapists, half-booked next month, a long history.

    python -m bench.generate --engine sqlite --name s200 --therapists 200
    python -m bench.generate --engine postgres --name s200h --copy-of s200 --add-history 1000000

Each database is migrated once into a template (SQLite file / PostgreSQL template database,
keyed by a hash of the migrations) and copied from it. People, services and rooms go in with
``bulk_create``; bookings, the bulk of the rows, with COPY on PostgreSQL and ``executemany`` in
large transactions on SQLite. A manifest next to the database (bench/var/db/<engine>-<name>.json)
lists what the load runs need: therapist uids, client tokens, free slots to book.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from bench import common
from bench.workload import (
    BUFFER_AFTER,
    DAY_END,
    DAY_START,
    DURATIONS,
    PRICES,
    SLOT_STEP,
    TIME_ZONE,
    Planned,
    Workload,
)

TECHNIQUE = "swedish"
CHUNK = 20_000
BOOKING_SLOTS_FROM_DAY = 31
BOOKING_SLOT_DAYS = 28
RACE_SLOTS_FROM_DAY = 61
PASSWORD_UNUSABLE = "!bench-account-no-password"


# --- databases ------------------------------------------------------------------------------


def migrations_hash() -> str:
    digest = hashlib.sha256()
    schema = sorted((common.ROOT / "src" / "unknot").rglob("migrations/*.py"))
    # The schedule-version triggers are installed after migrate, from this module.
    schema.append(common.ROOT / "src" / "unknot" / "apps" / "booking" / "versioning.py")
    for path in schema:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _migrate(engine: str, name: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": common.database_url(engine, name),
        "DJANGO_SETTINGS_MODULE": "unknot.config.settings.base",
        "UNKNOT_VAR_DIR": str(common.VAR / "unknot-var"),
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
        env=env,
        check=True,
        cwd=common.ROOT,
    )


def prepare_database(engine: str, name: str, copy_of: str | None) -> None:
    """Create ``name`` empty-but-migrated (from the template) or as a copy of ``copy_of``."""
    common.DB_DIR.mkdir(parents=True, exist_ok=True)
    template = f"bench_template_{migrations_hash()}"
    if engine == "sqlite":
        target = common.DB_DIR / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        source = common.DB_DIR / f"{copy_of or template}.sqlite3"
        if copy_of is None and not source.exists():
            for stale in common.DB_DIR.glob("bench_template_*.sqlite3*"):
                stale.unlink()  # made for migrations that have changed since
            print(f"migrating the SQLite template {source.name}")
            _migrate(engine, template)
        shutil.copyfile(source, target)
        return
    with common.pg_admin_connect() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        source = copy_of or template
        if copy_of is None:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (template,)
            ).fetchone()
            if not exists:
                print(f"migrating the PostgreSQL template {template}")
                admin.execute(f'CREATE DATABASE "{template}"')
                _migrate(engine, template)
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')


# --- rows -----------------------------------------------------------------------------------


def progress():
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )


def healthy_intake() -> dict:
    """The intake of a healthy client with a tight lower back: every technique is allowed."""
    return {
        "symptoms": ["tight-back"],
        "regions": ["lower-back"],
        "pain": {"intensity": 4, "duration_weeks": 20},
        "goals": ["back-pain-relief", "relaxation"],
        "preferences": {"focus": "either", "pressure_tolerance": 4, "stay_clothed": False},
        "health": {"conditions": [], "anticoagulants": False, "red_flags": []},
    }


def create_practice(workload: Workload, progress_bar) -> dict:
    """Practice, services, rooms, therapists, hours and clients (with assessments and tokens)."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from unknot.apps.accounts.models import ApiToken, Role, User
    from unknot.apps.booking.models import WorkingHours
    from unknot.apps.guide.models import SavedAssessment
    from unknot.apps.practices.models import Practice, Room, Service, Technique
    from unknot.apps.therapists.models import Therapist
    from unknot.domain.guide import assess, parse_intake

    now = timezone.now()
    n = workload.therapists
    task = progress_bar.add_task("people, rooms, services", total=6)
    with transaction.atomic():
        practice = Practice.objects.create(
            name="Bench Practice",
            slug="bench-practice",
            address="1 Load Street",
            phone="+44 20 0000 0001",
            time_zone=TIME_ZONE,
            min_notice_minutes=120,
            booking_window_days=90,
            # The load's clients each hold many sessions: no cap on them here.
            max_open_bookings_per_client=100,
            slot_step_minutes=SLOT_STEP,
        )
        techniques = list(Technique.objects.exclude(slug="thai-yoga"))
        services = Service.objects.bulk_create(
            Service(
                practice=practice,
                technique=technique,
                duration_minutes=minutes,
                price=Decimal(PRICES[minutes]),
                buffer_before_minutes=0,
                buffer_after_minutes=BUFFER_AFTER,
            )
            for technique in techniques
            for minutes in DURATIONS
        )
        progress_bar.advance(task)
        rooms = Room.objects.bulk_create(
            Room(practice=practice, name=f"Room {i + 1:03d}", kind="table") for i in range(n)
        )
        Room.techniques.through.objects.bulk_create(
            Room.techniques.through(room_id=room.pk, technique_id=technique.pk)
            for room in rooms
            for technique in techniques
        )
        progress_bar.advance(task)
        therapist_users = User.objects.bulk_create(
            User(
                email=f"therapist{i + 1:04d}@bench.test",
                full_name=f"Therapist {i + 1:04d}",
                role=Role.THERAPIST,
                practice=practice,
                password=PASSWORD_UNUSABLE,
            )
            for i in range(n)
        )
        therapists = Therapist.objects.bulk_create(
            Therapist(
                user=user,
                practice=practice,
                slug=f"therapist-{i + 1:04d}",
                display_name=user.full_name,
                licence_number=f"BENCH-{i + 1:04d}",
                licence_jurisdiction="United Kingdom",
                licence_expires_on=workload.today + dt.timedelta(days=730),
                licence_verified_at=now,
                years_in_practice=5,
            )
            for i, user in enumerate(therapist_users)
        )
        Therapist.techniques.through.objects.bulk_create(
            Therapist.techniques.through(therapist_id=t.pk, technique_id=technique.pk)
            for t in therapists
            for technique in techniques
        )
        WorkingHours.objects.bulk_create(
            WorkingHours(therapist=t, weekday=day, start_time=DAY_START, end_time=DAY_END)
            for t in therapists
            for day in range(5)
        )
        progress_bar.advance(task)
        clients = User.objects.bulk_create(
            User(
                email=f"client{i + 1:05d}@bench.test",
                full_name=f"Client {i + 1:05d}",
                role=Role.CLIENT,
                password=PASSWORD_UNUSABLE,
            )
            for i in range(workload.clients)
        )
        progress_bar.advance(task)
        intake = healthy_intake()
        result = assess(parse_intake(intake))
        SavedAssessment.objects.bulk_create(
            SavedAssessment(
                client=client,
                intake=intake,
                result=result.to_dict(),
                status=result.status.value,
                catalogue_version=result.catalogue_version,
            )
            for client in clients
        )
        progress_bar.advance(task)
        tokens = ["unk_" + secrets.token_urlsafe(32) for _ in clients]
        ApiToken.objects.bulk_create(
            ApiToken(
                user=client,
                key_hash=hashlib.sha256(token.encode()).hexdigest(),
                prefix=token[:12],
                name="benchmark",
                created_at=now,
                expires_at=now + dt.timedelta(days=settings.UNKNOT_API_TOKEN_DAYS),
            )
            for client, token in zip(clients, tokens, strict=True)
        )
        progress_bar.advance(task)
    by_minutes = {s.duration_minutes: s for s in services if s.technique.slug == TECHNIQUE}
    return {
        "practice": practice.pk,
        "therapist_ids": [t.pk for t in therapists],
        "therapist_uids": [t.uid for t in therapists],
        "room_ids": [r.pk for r in rooms],
        "client_ids": [c.pk for c in clients],
        "tokens": tokens,
        "services": {
            minutes: (svc.pk, svc.technique_id, svc.price) for minutes, svc in by_minutes.items()
        },
    }


class BookingWriter:
    """Appends bookings fast: COPY on PostgreSQL, executemany in big transactions on SQLite.

    Columns come from the model, so a column added later gets its default; only the columns
    that vary per booking are computed per row.
    """

    def __init__(self, ids: dict, status: str) -> None:
        from django.db import connection
        from django.utils import timezone

        from unknot.apps.booking.models import Booking

        self.connection = connection
        self.vendor = connection.vendor
        self.tz = ZoneInfo(TIME_ZONE)
        self.ids = ids
        now = timezone.now()
        fields = [f for f in Booking._meta.concrete_fields if not f.primary_key]
        self.table = Booking._meta.db_table
        self.columns = [f.column for f in fields]
        fixed = {
            "practice_id": ids["practice"],
            "status": status,
            "idempotency_key": None,
            "request_fingerprint": "",
            "created_at": now,
            "updated_at": now,
        }
        self.template = []
        for field in fields:
            # Else the model's default ("" for text, None for nullable); columns without one
            # are set per row below, or the insert fails loudly.
            value = fixed[field.attname] if field.attname in fixed else field.get_default()
            if field.get_internal_type() == "JSONField":
                value = json.dumps(value)
            elif value is not None:
                value = self._adapt(field, value)
            self.template.append(value)
        self.position = {f.attname: i for i, f in enumerate(fields)}
        self.service = {
            minutes: (pk, technique, self._adapt(Booking._meta.get_field("price"), price))
            for minutes, (pk, technique, price) in ids["services"].items()
        }

    def _adapt(self, field, value):
        if self.vendor == "sqlite" and isinstance(value, dt.datetime):
            return self._sqlite_datetime(value)
        if isinstance(value, bool | int | str | Decimal | dt.datetime | dt.date):
            return field.get_db_prep_save(value, self.connection)
        return value

    @staticmethod
    def _sqlite_datetime(value: dt.datetime) -> str:
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")

    def _free_client(self, wanted: int, starts: dt.datetime, ends: dt.datetime) -> int:
        """``wanted``, or the next client not already in a session then: one client is never
        in two sessions at once (PostgreSQL's booking_no_client_overlap refuses it)."""
        busy = self.__dict__.setdefault("_client_busy", {})
        count = len(self.ids["client_ids"])
        for step in range(count):
            index = (wanted + step) % count
            if all(ends <= s or starts >= e for s, e in busy.get(index, ())):
                busy.setdefault(index, []).append((starts, ends))
                return index
        return wanted

    def rows(self, planned: list[Planned]):
        p = self.position
        therapists, rooms, clients = (
            self.ids["therapist_ids"],
            self.ids["room_ids"],
            self.ids["client_ids"],
        )
        as_text = self.vendor == "sqlite"
        fmt = self._sqlite_datetime
        for item in planned:
            starts, ends, busy_until = item.utc_range(self.tz)
            service, technique, price = self.service[item.duration]
            row = list(self.template)
            row[p["uid"]] = secrets.token_urlsafe(12)
            row[p["client_id"]] = clients[self._free_client(item.client, starts, ends)]
            row[p["therapist_id"]] = therapists[item.therapist]
            row[p["room_id"]] = rooms[item.therapist]
            row[p["service_id"]] = service
            row[p["technique_id"]] = technique
            row[p["price"]] = price
            if as_text:
                starts, ends, busy_until = fmt(starts), fmt(ends), fmt(busy_until)
            row[p["starts_at"]] = starts
            row[p["ends_at"]] = ends
            row[p["busy_from"]] = starts
            row[p["busy_until"]] = busy_until
            yield row

    def write(self, planned: list[Planned]) -> None:
        if not planned:
            return
        columns = ", ".join(self.columns)
        if self.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows(planned):
                        copy.write_row(row)
            return
        marks = ", ".join("?" for _ in self.columns)
        self.connection.ensure_connection()
        raw = self.connection.connection
        raw.executemany(
            f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", self.rows(planned)
        )


def write_bookings(ids: dict, planned, total: int, status: str, label: str, progress_bar) -> int:
    from django.db import transaction

    writer = BookingWriter(ids, status)
    task = progress_bar.add_task(label, total=total)
    written = 0
    batch: list[Planned] = []

    def flush() -> None:
        nonlocal written, batch
        with transaction.atomic():
            writer.write(batch)
        written += len(batch)
        progress_bar.advance(task, len(batch))
        batch = []

    for item in planned:
        batch.append(item)
        if len(batch) >= (CHUNK * 5 if writer.vendor == "postgresql" else CHUNK):
            flush()
    flush()
    return written


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- manifest -------------------------------------------------------------------------------


def slots_for(workload: Workload, ids: dict, first_offset: int, days: int, seed: int) -> list:
    tz = ZoneInfo(TIME_ZONE)
    slots = [
        [ids["therapist_uids"][index], dt.datetime.combine(day, start, tzinfo=tz).isoformat()]
        for index, day, start in workload.free_starts(first_offset, days)
    ]
    random.Random(seed).shuffle(slots)
    return slots


def ids_from_database() -> dict:
    """The ids a manifest-less run needs, read back from a generated database."""
    from unknot.apps.accounts.models import User
    from unknot.apps.practices.models import Practice, Room, Service
    from unknot.apps.therapists.models import Therapist

    practice = Practice.objects.get(slug="bench-practice")
    return {
        "practice": practice.pk,
        "therapist_ids": list(
            Therapist.objects.filter(practice=practice)
            .order_by("slug")
            .values_list("pk", flat=True)
        ),
        "room_ids": list(
            Room.objects.filter(practice=practice).order_by("name").values_list("pk", flat=True)
        ),
        "client_ids": list(
            User.objects.filter(email__endswith="@bench.test", role="client")
            .order_by("email")
            .values_list("pk", flat=True)
        ),
        "services": {
            s.duration_minutes: (s.pk, s.technique_id, s.price)
            for s in Service.objects.filter(practice=practice, technique__slug=TECHNIQUE)
        },
    }


def generate(args: argparse.Namespace) -> dict:
    started = time.monotonic()
    prepare_database(args.engine, args.name, args.copy_of)
    common.setup_django(args.engine, args.name)
    if args.copy_of:
        manifest = common.load_manifest(args.engine, args.copy_of)
        today = dt.date.fromisoformat(manifest["today"])
    else:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
        manifest = {}
    workload = Workload(
        therapists=args.therapists or manifest.get("therapists", 0),
        today=today,
        days_ahead=args.days,
        clients=args.clients,
        seed=args.seed,
    )
    with progress() as bar:
        if args.copy_of:
            ids = ids_from_database()
            future = manifest["counts"]["future"]
        else:
            ids = create_practice(workload, bar)
            planned = list(workload.future())
            future = write_bookings(ids, planned, len(planned), "confirmed", "next 30 days", bar)
        past = manifest.get("counts", {}).get("past", 0)
        history = args.history + args.add_history
        if history:
            past += write_bookings(
                ids, workload.past(history), history, "completed", "history", bar
            )
    analyse()
    if not args.copy_of:
        manifest = {
            "engine": args.engine,
            "therapists": workload.therapists,
            "today": today.isoformat(),
            "technique": TECHNIQUE,
            "durations": list(DURATIONS),
            "therapist_uids": ids["therapist_uids"],
            "tokens": ids["tokens"],
            "booking_slots": slots_for(
                workload, ids, BOOKING_SLOTS_FROM_DAY, BOOKING_SLOT_DAYS, args.seed
            ),
            "race_slots": [
                s
                for s in slots_for(workload, ids, RACE_SLOTS_FROM_DAY, 14, args.seed)
                if s[0] == ids["therapist_uids"][0]
            ],
        }
    manifest.update(
        name=args.name,
        database_url=common.database_url(args.engine, args.name),
        counts={"future": future, "past": past},
        seconds=round(time.monotonic() - started, 1),
    )
    common.manifest_path(args.engine, args.name).write_text(json.dumps(manifest))
    print(
        f"{args.engine}/{args.name}: {workload.therapists} therapists, {future} upcoming and "
        f"{past} past bookings in {manifest['seconds']} s"
    )
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--name", required=True, help="database name, e.g. s200")
    parser.add_argument("--therapists", type=int, default=0)
    parser.add_argument("--history", type=int, default=0, help="past bookings")
    parser.add_argument("--days", type=int, default=30, help="days ahead to fill about half of")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--today", help="ISO date the workload starts on (default: today)")
    parser.add_argument("--copy-of", help="start from a copy of this generated database")
    parser.add_argument("--add-history", type=int, default=0, help="past bookings to add")
    args = parser.parse_args(argv)
    if not args.copy_of and args.therapists <= 0:
        parser.error("--therapists is required unless --copy-of is given")
    generate(args)


if __name__ == "__main__":
    main()
