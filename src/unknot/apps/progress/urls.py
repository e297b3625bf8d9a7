from django.urls import path

from unknot.apps.progress import views

app_name = "progress"
urlpatterns = [
    path("", views.my_progress, name="mine"),
    path("check-in/<str:booking_uid>/<str:kind>/", views.checkin, name="checkin"),
    path("c/<str:token>/", views.checkin_link, name="link"),
    path("clients/", views.client_list, name="clients"),
    path("clients/<str:client_uid>/", views.client_detail, name="client"),
    path("suggestions/<str:uid>/decide/", views.decide, name="decide"),
]
