from django.urls import path

from unknot.apps.records import access_views, views

app_name = "records"
urlpatterns = [
    path("me/", views.my_data, name="my_data"),
    path("me/consents/", views.consent, name="consent"),
    path("me/export/", views.export_page, name="export"),
    path("me/export.json", views.export_json, name="export_json"),
    path("me/close/", views.close_account, name="close"),
    path("notes/", views.notes, name="notes"),
    path("notes/<str:booking_uid>/", views.note, name="note"),
    path("clients/<str:client_uid>/break-glass/", access_views.break_glass, name="break_glass"),
    path("archive/", access_views.archive, name="archive"),
    path("archive/<str:client_uid>/", access_views.archived_client, name="archived_client"),
]
