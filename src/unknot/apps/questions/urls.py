from django.urls import path

from unknot.apps.questions import views

app_name = "questions"
urlpatterns = [
    path("questions/mine/", views.mine, name="mine"),
    path("questions/ask/<str:therapist_uid>/", views.ask, name="ask"),
    path("questions/private/<str:uid>/<str:token>/", views.private, name="private"),
    path("therapist/questions/", views.portal_inbox, name="portal_inbox"),
    path("therapist/questions/<str:uid>/", views.portal_detail, name="portal_detail"),
    path("therapist/questions/<str:uid>/publish/", views.portal_publish, name="portal_publish"),
    path("therapist/questions/<str:uid>/dismiss/", views.portal_dismiss, name="portal_dismiss"),
]
