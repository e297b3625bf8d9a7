from django.urls import path

from unknot.apps.therapists import views

app_name = "therapists"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/profile/", views.edit_profile, name="edit_profile"),
    path("<slug:slug>/", views.profile, name="profile"),
]
