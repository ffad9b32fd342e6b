"""The NinjaAPI at /api/: one router per app, OpenAPI at /api/docs, problem+json errors."""

from ninja import NinjaAPI

from sanxiang.catalog.api import router as catalog_router
from sanxiang.ledger.api import router as ledger_router
from sanxiang.org.api import router as org_router
from sanxiang.registry.api import router as registry_router

from . import problems
from .auth import AUTH

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
api.add_router("/ledger/", ledger_router)
api.add_router("/evidence/", "sanxiang.evidence.api.router")
api.add_router("/catalog/", catalog_router)
api.add_router("/inspections/", "sanxiang.inspections.api.router")
api.add_router("/cases/", "sanxiang.cases.api.router")
api.add_router("/review/", "sanxiang.review.api.router")
api.add_router("/publicity/", "sanxiang.publicity.api.router")
