"""The evidence file, mounted at /evidence/."""

from django.urls import path

from unknot.apps.guide import views

app_name = "evidence"
urlpatterns = [path("", views.evidence, name="index")]
