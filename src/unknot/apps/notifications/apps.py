from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "unknot.apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from unknot.apps.notifications import receivers

        receivers.connect()
