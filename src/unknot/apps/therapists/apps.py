from django.apps import AppConfig


class TherapistsConfig(AppConfig):
    name = "unknot.apps.therapists"
    label = "therapists"
    verbose_name = "Therapists"
