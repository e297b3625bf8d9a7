from django.urls import path

from unknot.apps.booking import views

app_name = "booking"
urlpatterns = [
    path("book/", views.index, name="index"),
    path("book/continue/", views.resume, name="resume"),
    path("book/<slug:technique>/", views.choose, name="choose"),
    path("book/<slug:technique>/times/", views.times, name="times"),
    path("book/<slug:technique>/confirm/", views.confirm, name="confirm"),
    path("appointments/", views.my_appointments, name="appointments"),
    path("appointments/<str:uid>/", views.appointment, name="appointment"),
    path("appointments/<str:uid>/cancel/", views.cancel, name="cancel"),
    path("appointments/<str:uid>/reschedule/", views.reschedule, name="reschedule"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/<str:uid>/outcome/", views.outcome, name="outcome"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<str:uid>/clearance/", views.clearance, name="clearance"),
]
