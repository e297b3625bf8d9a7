from django.urls import path

from unknot.apps.guide import views

app_name = "guide"
urlpatterns = [
    path("", views.technique_list, name="technique_list"),
    path("<slug:slug>/", views.technique_detail, name="technique_detail"),
]
