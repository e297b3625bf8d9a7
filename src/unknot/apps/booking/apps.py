from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BookingConfig(AppConfig):
    name = "unknot.apps.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self) -> None:
        from unknot.apps.booking.rescreen import after_assessment_saved
        from unknot.apps.booking.versioning import install_after_migrate
        from unknot.apps.guide.hooks import register_after_save

        register_after_save("booking-rescreen", after_assessment_saved)

        # After the whole plan has run: SQLite loses a table's triggers when a migration
        # rebuilds the table, so they are put back every time.
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="schedule-version")
        from unknot.apps.booking.personal_data import register_bookings

        register_bookings()
