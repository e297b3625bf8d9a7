from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "unknot.apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from unknot.apps.notifications import receivers

        receivers.connect()
        from unknot.apps.notifications.personal_data import register_notifications

        register_notifications()
