from django.urls import path

from unknot.apps.records import views

app_name = "records"
urlpatterns = [
    path("me/", views.my_data, name="my_data"),
    path("me/consents/", views.consent, name="consent"),
    path("me/export/", views.export_page, name="export"),
    path("me/export.json", views.export_json, name="export_json"),
    path("me/close/", views.close_account, name="close"),
    path("notes/", views.notes, name="notes"),
    path("notes/<str:booking_uid>/", views.note, name="note"),
]
