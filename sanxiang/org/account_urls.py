"""Sign-in second factor, enrolment, step-up and one's own account (no namespace: the
middleware in ``sanxiang.core.stepup`` names these routes)."""

from django.urls import path

from . import account_views as views

urlpatterns = [
    path("", views.account, name="account"),
    path("second-factor/", views.second_factor_verify, name="second_factor_verify"),
    path("second-factor/enrol/", views.second_factor_enrol, name="second_factor_enrol"),
    path("second-factor/enrol/qr.svg", views.second_factor_qr, name="second_factor_qr"),
    path("second-factor/step-up/", views.second_factor_step_up, name="second_factor_step_up"),
    path(
        "second-factor/recovery-codes/",
        views.second_factor_recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path(
        "second-factor/recovery-codes/renew/",
        views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
]
