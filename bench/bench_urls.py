"""Only the API, so the proof latency is measured without the rest of the site's URLconf."""

from django.urls import path

from sanxiang.api.api import api

urlpatterns = [path("api/", api.urls)]
