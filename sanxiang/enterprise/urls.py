"""Pages of 企业端: the mine's own pages, and under ``staff/`` the agency's pages (ADR 0150)."""

from django.urls import path

from . import staff_views, views

app_name = "enterprise"

#: The mine's own pages (a mine's session may reach these and the public pages only).
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/code/", views.code, name="code"),
    path("logout/", views.logout, name="logout"),
    path("register/", views.register, name="register"),
    path("account/", views.account_page, name="account"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/document.pdf", views.order_document, name="order_document"),
    path("report-files/<int:pk>/", views.report_file, name="report_file"),
    path("served/", views.delivery_list, name="delivery_list"),
    path("served/<int:pk>/", views.delivery_detail, name="delivery_detail"),
    path("served/<int:pk>/document.pdf", views.delivery_pdf, name="delivery_pdf"),
    path("results/", views.results, name="results"),
    # the agency's pages (staff only; a mine's session is turned back by the realm middleware)
    path("staff/", staff_views.pending, name="staff_pending"),
    path("staff/mines/<int:mine_pk>/", staff_views.mine_accounts, name="staff_mine"),
    path(
        "staff/mines/<int:mine_pk>/accounts/new/",
        staff_views.account_create,
        name="staff_account_create",
    ),
    path(
        "staff/accounts/<int:pk>/verify/", staff_views.account_verify, name="staff_account_verify"
    ),
    path(
        "staff/accounts/<int:pk>/disable/",
        staff_views.account_disable,
        name="staff_account_disable",
    ),
    path(
        "staff/mines/<int:mine_pk>/consent/new/",
        staff_views.consent_record,
        name="staff_consent_record",
    ),
    path(
        "staff/consents/<int:pk>/withdraw/",
        staff_views.consent_withdraw,
        name="staff_consent_withdraw",
    ),
    path("staff/consents/<int:pk>/file/", staff_views.consent_file, name="staff_consent_file"),
    path("staff/mines/<int:mine_pk>/serve/", staff_views.delivery_send, name="staff_delivery_send"),
    path("staff/report-files/<int:pk>/", staff_views.report_file, name="staff_report_file"),
]
