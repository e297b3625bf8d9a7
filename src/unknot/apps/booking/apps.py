from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "unknot.apps.booking"
    label = "booking"
    verbose_name = "Booking"
