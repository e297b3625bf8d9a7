from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "unknot.apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"
