from django.contrib.auth import views as auth_views
from django.urls import path

from unknot.apps.accounts import profile_views, views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<str:token>/", views.signup_confirm, name="signup_confirm"),
    path("profile/", profile_views.profile, name="profile"),
    path("profile/email/", profile_views.email_change, name="email_change"),
    path("email/confirm/<str:token>/", profile_views.email_confirm, name="email_confirm"),
    path("profile/password/", profile_views.password_change, name="password_change"),
    path("tokens/", profile_views.tokens, name="tokens"),
    path("tokens/<str:uid>/revoke/", profile_views.token_revoke, name="token_revoke"),
    path("confirm-it-is-you/", profile_views.reauthenticate, name="reauth"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor_status, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/turn-off/", views.two_factor_disable, name="two_factor_disable"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
