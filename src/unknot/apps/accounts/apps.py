from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "unknot.apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from unknot.apps.accounts.personal_data import register_accounts

        register_accounts()
