from django.urls import path

from unknot.apps.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="mine"),
    path("new/", views.program_new, name="new"),
    path("new/preview/", views.program_preview, name="preview"),
    path("<str:uid>/", views.program_detail, name="detail"),
    path("<str:uid>/cancel/", views.program_cancel, name="cancel"),
    path("<str:uid>/adjust/", views.program_adjust, name="adjust"),
    path("<str:uid>/reschedule/", views.program_move_rest, name="move_rest"),
    path("<str:uid>/sessions/<int:index>/cancel/", views.session_cancel, name="session_cancel"),
    path(
        "<str:uid>/sessions/<int:index>/reschedule/",
        views.session_reschedule,
        name="session_reschedule",
    ),
]
