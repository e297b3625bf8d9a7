from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "unknot.apps.programs"
    label = "programs"
    verbose_name = "Programs"
