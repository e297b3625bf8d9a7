"""The self-assessment, mounted at /assessment/."""

from django.urls import path

from unknot.apps.guide import views

app_name = "assessment"
urlpatterns = [
    path("", views.assessment_start, name="start"),
    path("result/", views.assessment_result, name="result"),
    path("save/", views.assessment_save_view, name="save"),
    path("clear/", views.assessment_clear, name="clear"),
    path("mine/", views.my_assessments, name="mine"),
    path("mine/<str:uid>/", views.saved_assessment, name="saved"),
    path("<slug:slug>/", views.assessment_step, name="step"),
]
