from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "unknot.apps.guide"
    label = "guide"
    verbose_name = "The guide"
