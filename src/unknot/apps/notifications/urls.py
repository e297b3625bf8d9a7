from django.urls import path

from unknot.apps.notifications import views

app_name = "notifications"
urlpatterns = [
    path("calendar/subscription/", views.subscription, name="subscription"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
