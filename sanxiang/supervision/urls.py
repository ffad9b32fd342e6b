"""Pages of 执法监督."""

from django.urls import include, path

from .urls_evaluation import urlpatterns as _evaluation

app_name = "supervision"

urlpatterns: list = [
    path("", include("sanxiang.supervision.urls_statistics")),
    path("", include("sanxiang.supervision.urls_training")),  # BZ-3 培训、执法证、年审
    path("", include("sanxiang.supervision.urls_notices")),  # BZ-1/BZ-5 督办、问责
    path("", include("sanxiang.supervision.urls_assessment")),  # BZ-5 年度目标考核
]
urlpatterns += _evaluation  # 案卷评查 (ADR 0160)
