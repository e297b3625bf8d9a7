from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "unknot.apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Connects the count of failed sign-ins per client address (finding 12).
        from unknot.apps.accounts import throttling  # noqa: F401
        from unknot.apps.accounts.personal_data import register_accounts

        register_accounts()
