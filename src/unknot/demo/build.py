"""Builds (or refreshes) the demo practice. Safe to run any number of times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from unknot.apps.accounts.models import Role, User
from unknot.apps.booking.models import Booking
from unknot.apps.practices.models import Practice, Room, Service, Technique
from unknot.apps.records.models import NoteTemplate
from unknot.apps.therapists.models import Certification, Language, Therapist
from unknot.demo import data, schedules
from unknot.demo.note_templates import NOTE_TEMPLATES
from unknot.demo.photos import initials_portrait
from unknot.demo.progress import build_progress_demo

NOTE_TEXTS = ("subjective", "objective", "assessment", "plan")
Progress = Callable[[str], None]


def _user(email: str, name: str, role: str, practice: Practice | None, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email)
        user.set_password(data.DEMO_PASSWORD)
    user.full_name = name
    user.role = role
    user.practice = practice
    for key, value in extra.items():
        setattr(user, key, value)
    user.save()
    return user


def build_demo(progress: Progress = print) -> dict[str, int]:
    """Create or update every demo record and return counts of what the demo holds."""
    steps = 8
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        progress(f"[1/{steps}] Practices and rooms")
        practices: dict[str, Practice] = {}
        techniques = {t.slug: t for t in Technique.objects.all()}
        for spec in data.PRACTICES:
            practice, _ = Practice.objects.update_or_create(
                slug=spec["slug"],
                defaults={k: spec[k] for k in ("name", "address", "phone", "email", "time_zone")},
            )
            practices[spec["slug"]] = practice
            for name, kind, suits in spec["rooms"]:
                room, _ = Room.objects.update_or_create(
                    practice=practice, name=name, defaults={"kind": kind}
                )
                room.techniques.set([techniques[s] for s in suits])

        progress(f"[2/{steps}] Services for every technique in 30, 60 and 90 minutes")
        for practice in practices.values():
            for slug, technique in techniques.items():
                for minutes, price in data.PRICES.items():
                    extra = Decimal(data.PRICE_EXTRA.get(slug, "0"))
                    Service.objects.update_or_create(
                        practice=practice,
                        technique=technique,
                        duration_minutes=minutes,
                        defaults={
                            "price": Decimal(price) + extra,
                            "buffer_before_minutes": 5 if slug == "thai-yoga" else 0,
                            "buffer_after_minutes": 15,
                        },
                    )
            for slug, (name, *texts) in NOTE_TEMPLATES.items():
                NoteTemplate.objects.update_or_create(
                    practice=practice,
                    technique=techniques[slug],
                    defaults=dict(zip(("name", *NOTE_TEXTS), (name, *texts), strict=True)),
                )

        progress(f"[3/{steps}] Languages")
        languages = {}
        for code, name in data.LANGUAGES:
            languages[code], _ = Language.objects.update_or_create(
                code=code, defaults={"name": name}
            )

        progress(f"[4/{steps}] Owners, front desk and an administrator in no practice")
        staff_by_practice = {}
        for spec in data.OWNERS:
            practice = practices[spec["practice"]]
            staff_by_practice[spec["practice"]] = _user(
                spec["email"], spec["name"], Role.OWNER, practice, is_staff=True
            )
        for spec in data.STAFF:
            practice = practices[spec["practice"]]
            _user(spec["email"], spec["name"], Role.STAFF, practice, is_staff=True)
        _user(
            data.SUPERUSER["email"],
            data.SUPERUSER["name"],
            Role.STAFF,
            None,
            is_staff=True,
            is_superuser=True,
        )

        progress(f"[5/{steps}] Therapists with licences, training and photos")
        for spec in data.THERAPISTS:
            practice = practices[spec["practice"]]
            email = f"{spec['slug']}@demo.unknot.test"
            user = _user(email, spec["name"], Role.THERAPIST, practice)
            number, jurisdiction, expires_in, verified = spec["licence"]
            therapist, created = Therapist.objects.update_or_create(
                user=user,
                defaults={
                    "practice": practice,
                    "slug": spec["slug"],
                    "display_name": spec["name"],
                    "bio": spec["bio"],
                    "years_in_practice": spec["years"],
                    "licence_number": number,
                    "licence_jurisdiction": jurisdiction,
                    "licence_expires_on": today + dt.timedelta(days=expires_in),
                },
            )
            if verified and therapist.licence_verified_at is None:
                therapist.licence_verified_at = timezone.now()
                therapist.licence_verified_by = staff_by_practice[spec["practice"]]
            if not verified:
                therapist.licence_verified_at = None
                therapist.licence_verified_by = None
            if not therapist.photo:
                therapist.photo.save(
                    f"{spec['slug']}.png", ContentFile(initials_portrait(spec["name"])), save=False
                )
            therapist.save()
            therapist.techniques.set([techniques[s] for s in spec["techniques"]])
            therapist.languages.set([languages[c] for c in spec["languages"]])
            therapist.training.all().delete()
            for title, issuer, year, technique, hours in spec["training"]:
                Certification.objects.create(
                    therapist=therapist,
                    title=title,
                    issuer=issuer,
                    year=year,
                    technique=techniques.get(technique),
                    hours=hours,
                )

        progress(f"[6/{steps}] Demo clients")
        for spec in data.CLIENTS:
            _user(spec["email"], spec["name"], Role.CLIENT, None)

        progress(f"[7/{steps}] Working hours, date overrides and time off")
        schedule_counts = schedules.build_hours(now)

    # Bookings run through the booking services, each in its own transaction.
    progress(f"[8/{steps}] Self-assessments and bookings (through the booking services)")
    schedules.build_assessments(now)
    booking_counts = schedules.build_bookings(now, progress)
    progress("       A demo client's program with check-ins, notes and review suggestions")
    build_progress_demo(now, progress)

    return {
        "practices": Practice.objects.count(),
        "therapists": Therapist.objects.count(),
        "services": Service.objects.count(),
        "rooms": Room.objects.count(),
        "clients": User.objects.filter(role=Role.CLIENT).count(),
        **schedule_counts,
        **booking_counts,
        "bookings": Booking.objects.count(),
    }
