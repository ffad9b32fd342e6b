from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from sanxiang.api.api import api

# The admin site signs in through the application's sign-in (slow-down, second factor).
admin.site.login = login_required(admin.site.login)

urlpatterns = [
    path("", include("sanxiang.core.urls")),
    path("org/", include("sanxiang.org.urls")),
    path("account/", include("sanxiang.org.account_urls")),
    path("registry/", include("sanxiang.registry.urls")),
    path("catalog/", include("sanxiang.catalog.urls")),
    path("inspections/", include("sanxiang.inspections.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("publicity/", include("sanxiang.publicity.urls")),
    path("review/", include("sanxiang.review.urls")),
    path("archive/", include("sanxiang.archive.urls")),
    path("complaints/", include("sanxiang.complaints.urls")),
    path("licensing/", include("sanxiang.licensing.urls")),
    path("enterprise/licensing/", include("sanxiang.licensing.enterprise_urls")),
    path("enterprise/complaints/", include("sanxiang.complaints.enterprise_urls")),
    path("enterprise/", include("sanxiang.enterprise.urls")),
    path("supervision/", include("sanxiang.supervision.urls")),
    path("documents/", include("sanxiang.documents.urls")),
    path("public/draws/", include("sanxiang.inspections.public_urls")),
    path("public/", include("sanxiang.portal.urls")),
    path("evidence/", include("sanxiang.evidence.urls")),
    path("transparency/", include("sanxiang.ledger.urls")),
    path("api/", api.urls),
    path("tokens/", include("sanxiang.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
