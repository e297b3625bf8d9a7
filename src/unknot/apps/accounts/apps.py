from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "unknot.apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"
