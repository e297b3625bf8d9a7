from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "unknot.apps.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from unknot.apps.payments.personal_data import register_payments

        register_payments()
