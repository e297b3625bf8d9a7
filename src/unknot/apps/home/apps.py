from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "unknot.apps.home"
    label = "home"
    verbose_name = "Site pages"
