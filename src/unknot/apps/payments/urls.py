from django.urls import path

from unknot.apps.payments import views

app_name = "payments"

urlpatterns = [
    path("webhooks/stripe/<slug:practice_slug>/", views.stripe_webhook, name="stripe-webhook"),
]
