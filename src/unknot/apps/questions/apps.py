from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "unknot.apps.questions"
    label = "questions"
    verbose_name = "Questions"

    def ready(self) -> None:
        from unknot.apps.questions.personal_data import register_questions

        register_questions()
