from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "unknot.apps.home"
    label = "home"
    verbose_name = "Site pages"

    def ready(self):
        from unknot.ops import key_check  # noqa: F401  (registers the field-key system check)
