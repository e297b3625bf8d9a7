from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class ProgressConfig(AppConfig):
    name = "unknot.apps.progress"
    label = "progress"
    verbose_name = "Progress: check-ins and reviews"

    def ready(self) -> None:
        from unknot.apps.booking.models import Booking
        from unknot.apps.guide.models import SavedAssessment
        from unknot.apps.progress import guards
        from unknot.apps.progress.personal_data import register_progress

        pre_save.connect(
            guards.refuse_booking_when_held, sender=Booking, dispatch_uid="progress-booking-hold"
        )
        post_save.connect(
            guards.apply_accepted_pressure, sender=Booking, dispatch_uid="progress-booking-cap"
        )
        pre_save.connect(
            guards.refuse_assessment_without_consent,
            sender=SavedAssessment,
            dispatch_uid="progress-assessment-consent",
        )
        register_progress()
