"""The licensing window on the portal (/public/licensing/...), included from the portal's urls."""

from django.urls import path

from . import public

app_name = "licensing_window"

urlpatterns = [
    path("", public.window, name="home"),
    path("items/<str:code>/", public.item_page, name="item"),
    path("ask/", public.ask, name="ask"),
    path("progress/", public.progress_query, name="progress"),
]
