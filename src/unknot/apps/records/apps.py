from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "unknot.apps.records"
    label = "records"
    verbose_name = "Health records and consents"

    def ready(self) -> None:
        from unknot.apps.records import holds
        from unknot.apps.records.providers import register_core

        register_core()
        holds.register()
