from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "unknot.apps.progress"
    label = "progress"
    verbose_name = "Progress: check-ins and reviews"

    def ready(self) -> None:
        from unknot.apps.progress import guards
        from unknot.apps.progress.personal_data import register_progress

        guards.register()
        register_progress()
