"""The NinjaAPI at /api/: one router per app, OpenAPI at /api/docs, problem+json errors."""

from ninja import NinjaAPI

from sanxiang.catalog.api import router as catalog_router
from sanxiang.ledger.api import router as ledger_router
from sanxiang.org.api import router as org_router
from sanxiang.registry.api import router as registry_router

from . import problems
from .auth import AUTH, apply_session_only
from .edge import bound_operation_models

api = NinjaAPI(
    title="三项制度执法平台 API",
    version="1",
    description="煤矿安全监察执法公示、执法全过程记录、重大执法决定法制审核。",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
problems.install(api)
api.add_router("/org/", org_router)
api.add_router("/registry/", registry_router)
api.add_router("/registry/", "sanxiang.registry.api_minefile.router")  # 一矿一档 (ADR 0256)
api.add_router("/ledger/", ledger_router)
api.add_router("/evidence/", "sanxiang.evidence.api.router")
api.add_router("/catalog/", catalog_router)
api.add_router("/inspections/", "sanxiang.inspections.api.router")
api.add_router("/inspections/", "sanxiang.inspections.letters_api.router")  # issue 14 letters
api.add_router("/cases/", "sanxiang.cases.api.router")
api.add_router("/cases/", "sanxiang.cases.api_appeals.router")  # P11 appeals, transfers
api.add_router("/cases/", "sanxiang.cases.api_branches.router")  # P14 procedure branches
api.add_router("/review/", "sanxiang.review.api.router")
api.add_router("/publicity/", "sanxiang.publicity.api.router")
api.add_router("/publicity/", "sanxiang.publicity.api_corrections.router")  # P11 error reports
api.add_router("/documents/", "sanxiang.documents.api.router")
api.add_router("/documents/", "sanxiang.documents.borrowing_api.router")  # issue 14 borrowing
api.add_router("/licensing/", "sanxiang.licensing.api.router")
api.add_router("/archive/", "sanxiang.archive.api.router")
api.add_router("/archive/disposal/", "sanxiang.archive.api_disposal.router")
api.add_router("/archive/", "sanxiang.archive.api_export.router")  # 移交 (ADR 0135)
api.add_router("/complaints/", "sanxiang.complaints.api.router")  # issue 15: 投诉举报
api.add_router("/supervision/", "sanxiang.supervision.api_statistics.router")  # statistics, risk
api.add_router("/enterprise/", "sanxiang.enterprise.api.router")  # 企业端 (ADR 0150), staff only
api.add_router("/supervision/evaluation/", "sanxiang.supervision.api_evaluation.router")  # 案卷评查
api.add_router("/supervision/", "sanxiang.supervision.api_training.router")  # BZ-3 培训、年审
api.add_router("/supervision/", "sanxiang.supervision.api_notices.router")  # BZ-1/5 督办、问责
api.add_router("/supervision/", "sanxiang.supervision.api_assessment.router")  # BZ-5 目标考核
apply_session_only(api)
bound_operation_models(api)
