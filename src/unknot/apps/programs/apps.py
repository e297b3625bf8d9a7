from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "unknot.apps.programs"
    label = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from unknot.apps.programs.personal_data import register_programs

        register_programs()
