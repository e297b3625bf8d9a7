from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "unknot.apps.questions"
    label = "questions"
    verbose_name = "Questions"
