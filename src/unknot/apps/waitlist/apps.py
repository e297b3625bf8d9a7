from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "unknot.apps.waitlist"
    label = "waitlist"
    verbose_name = "Waitlist"

    def ready(self) -> None:
        from unknot.apps.waitlist import receivers

        receivers.connect()
        from unknot.apps.waitlist.personal_data import register_waitlist

        register_waitlist()
