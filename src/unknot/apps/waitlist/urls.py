from django.urls import path

from unknot.apps.waitlist import views

app_name = "waitlist"
urlpatterns = [
    path("", views.waitlist_mine, name="mine"),
    path("join/", views.waitlist_join, name="join"),
    path("<str:uid>/leave/", views.waitlist_leave, name="leave"),
    path("offers/<str:token>/", views.offer_detail, name="offer"),
    path("offers/<str:token>/accept/", views.offer_accept, name="accept"),
    path("offers/<str:token>/decline/", views.offer_decline, name="decline"),
]
