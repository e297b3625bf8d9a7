from django.apps import AppConfig


class PracticesConfig(AppConfig):
    name = "unknot.apps.practices"
    label = "practices"
    verbose_name = "Practices"
