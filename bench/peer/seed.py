"""Load the bench workload into django-appointment's own models (run by the peer's Python).

    BENCH_PEER_ENGINE=sqlite BENCH_PEER_DB=peer-s200 SECRET_KEY=... \
        bench/var/peer-venv/bin/python -m bench.peer.seed --therapists 200 --today 2026-11-23

The same ``bench.workload.Workload`` as Unknot's generator: one StaffMember per therapist with
Monday-Friday 09:00-17:00 WorkingHours, Services of 30/60/90 minutes, a 15-minute slot grid and
a 15-minute gap after each appointment (``slot_gap_time``), and one AppointmentRequest plus
Appointment per booking. Bulk rows go in with executemany (SQLite) or COPY (PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peer.settings")

from bench.workload import DAY_END, DAY_START, DURATIONS, PRICES, SLOT_STEP, Workload  # noqa: E402

CHUNK = 20_000
GAP = 15
MIN_NOTICE = 120


def _columns(model):
    fields = [f for f in model._meta.concrete_fields]
    return fields, [f.column for f in fields]


def _insert(connection, model, rows: list[list]) -> None:
    fields, columns = _columns(model)
    table = model._meta.db_table
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            connection.ensure_connection()
            connection.connection.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})", rows
            )


def seed(args: argparse.Namespace) -> dict:
    import django

    django.setup()
    from appointment.models import (
        Appointment,
        AppointmentRequest,
        Config,
        Service,
        StaffMember,
        WorkingHours,
    )
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    started = time.monotonic()
    # The package ships no migrations: make them in the peer's own environment, as its
    # installation guide asks, then migrate (syncdb would create its tables before auth's).
    call_command("makemigrations", "appointment", verbosity=0)
    call_command("migrate", verbosity=0)
    workload = Workload(
        therapists=args.therapists,
        today=dt.date.fromisoformat(args.today),
        days_ahead=args.days,
        clients=args.clients,
        seed=args.seed,
    )
    now = timezone.now()
    with transaction.atomic():
        Config.objects.all().delete()
        Config.objects.create(
            slot_duration=SLOT_STEP,
            lead_time=DAY_START,
            finish_time=DAY_END,
            appointment_buffer_time=MIN_NOTICE,
            website_name="Bench Practice",
            default_to_service_duration=True,
            slot_gap_time=GAP,
        )
        services = {
            minutes: Service.objects.create(
                name=f"Swedish massage {minutes} min",
                duration=dt.timedelta(minutes=minutes),
                price=PRICES[minutes],
                use_service_duration_as_slot=True,
            )
            for minutes in DURATIONS
        }
        staff_users = User.objects.bulk_create(
            User(username=f"therapist{i + 1:04d}", first_name="Therapist", last_name=f"{i + 1:04d}")
            for i in range(workload.therapists)
        )
        staff = StaffMember.objects.bulk_create(
            StaffMember(
                user=user,
                slot_duration=SLOT_STEP,
                lead_time=DAY_START,
                finish_time=DAY_END,
                appointment_buffer_time=MIN_NOTICE,
                slot_gap_time=GAP,
            )
            for user in staff_users
        )
        StaffMember.services_offered.through.objects.bulk_create(
            StaffMember.services_offered.through(staffmember_id=m.pk, service_id=s.pk)
            for m in staff
            for s in services.values()
        )
        # django-appointment numbers weekdays from Sunday = 0.
        WorkingHours.objects.bulk_create(
            WorkingHours(staff_member=m, day_of_week=day, start_time=DAY_START, end_time=DAY_END)
            for m in staff
            for day in range(1, 6)
        )
        clients = User.objects.bulk_create(
            User(username=f"client{i + 1:05d}", email=f"client{i + 1:05d}@bench.test")
            for i in range(workload.clients)
        )

    next_id = (
        AppointmentRequest.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    request_fields, _ = _columns(AppointmentRequest)
    appointment_fields, _ = _columns(Appointment)
    as_text = connection.vendor == "sqlite"
    stamp = now.replace(tzinfo=None).isoformat(" ") if as_text else now

    def rows_for(items):
        nonlocal next_id
        requests, appointments = [], []
        for item in items:
            pk = next_id
            next_id += 1
            service = services[item.duration]
            values = {
                "id": pk,
                "date": item.day,
                "start_time": item.start,
                "end_time": item.end,
                "service_id": service.pk,
                "staff_member_id": staff[item.therapist].pk,
                "payment_type": "full",
                "id_request": f"bench{pk}",
                "reschedule_attempts": 0,
                "created_at": stamp,
                "updated_at": stamp,
            }
            requests.append([_value(f, values, as_text) for f in request_fields])
            values = {
                "id": pk,
                "client_id": clients[item.client].pk,
                "appointment_request_id": pk,
                "phone": "",
                "address": "",
                "want_reminder": False,
                "additional_info": None,
                "paid": False,
                "amount_to_pay": None,
                "id_request": f"bench{pk}",
                "created_at": stamp,
                "updated_at": stamp,
            }
            appointments.append([_value(f, values, as_text) for f in appointment_fields])
        return requests, appointments

    counts = {"future": 0, "past": 0}
    for label, items in (("future", workload.future()), ("past", workload.past(args.history))):
        batch = []
        for item in items:
            batch.append(item)
            if len(batch) >= CHUNK:
                _write(connection, transaction, AppointmentRequest, Appointment, rows_for(batch))
                counts[label] += len(batch)
                batch = []
        if batch:
            _write(connection, transaction, AppointmentRequest, Appointment, rows_for(batch))
            counts[label] += len(batch)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in (AppointmentRequest._meta.db_table, Appointment._meta.db_table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
        cursor.execute("ANALYZE")
    manifest = {
        "staff_ids": [m.pk for m in staff],
        "service_ids": {str(k): v.pk for k, v in services.items()},
        "counts": counts,
        "seconds": round(time.monotonic() - started, 1),
    }
    Path(args.manifest).write_text(json.dumps(manifest))
    print(
        f"peer {os.environ.get('BENCH_PEER_ENGINE')}/{os.environ.get('BENCH_PEER_DB')}: "
        f"{len(staff)} staff, {counts['future']} upcoming and {counts['past']} past "
        f"appointments in {manifest['seconds']} s"
    )
    return manifest


def _value(field, values: dict, as_text: bool):
    value = values[field.attname] if field.attname in values else field.get_default()
    if as_text and isinstance(value, dt.date | dt.time) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


def _write(connection, transaction, request_model, appointment_model, rows) -> None:
    requests, appointments = rows
    with transaction.atomic():
        _insert(connection, request_model, requests)
        _insert(connection, appointment_model, appointments)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--therapists", type=int, required=True)
    parser.add_argument("--today", required=True)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--history", type=int, default=0)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--manifest", required=True)
    seed(parser.parse_args())


if __name__ == "__main__":
    main()
