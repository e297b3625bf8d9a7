from django.urls import path

from unknot.apps.home import views

app_name = "home"
urlpatterns = [path("", views.index, name="index")]
