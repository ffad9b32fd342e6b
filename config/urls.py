from django.contrib import admin
from django.urls import include, path

from sanxiang.api.api import api

urlpatterns = [
    path("", include("sanxiang.core.urls")),
    path("org/", include("sanxiang.org.urls")),
    path("registry/", include("sanxiang.registry.urls")),
    path("catalog/", include("sanxiang.catalog.urls")),
    path("inspections/", include("sanxiang.inspections.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("publicity/", include("sanxiang.publicity.urls")),
    path("review/", include("sanxiang.review.urls")),
    path("public/draws/", include("sanxiang.inspections.public_urls")),
    path("public/", include("sanxiang.portal.urls")),
    path("evidence/", include("sanxiang.evidence.urls")),
    path("transparency/", include("sanxiang.ledger.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
