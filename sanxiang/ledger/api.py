"""API router for the ledger: checkpoints, keys and proofs (public), entries (staff).

Proof responses are exactly the JSON files ``tools/sanxiang_verify.py`` reads, so a client
can save the response body and hand it to the verifier unchanged. An inclusion proof carries
the entry's body only for a caller who may read the record the entry names (ADR 0065);
everyone else gets the leaf hash, which the verifier checks just the same.
"""

from __future__ import annotations

import datetime

from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from sanxiang.api.auth import AUTH

from . import keys, selectors
from .models import Checkpoint

router = Router(tags=["存证账本"])

MAX_SEQ = 2**63 - 1


class CheckpointOut(Schema):
    tree_size: int
    root_hash: str = Field(description="根哈希（十六进制）")
    note: str = Field(description="C2SP 签名检查点原文")
    created_at: datetime.datetime

    @staticmethod
    def resolve_root_hash(obj: Checkpoint) -> str:
        return bytes(obj.root_hash).hex()


class VerifierKeyOut(Schema):
    algorithm: str
    label: str
    name: str
    key_id: str
    vkey: str = Field(description="验证公钥（signed-note 格式）")
    pem: str


class EntryOut(Schema):
    seq: int
    recorded_at: datetime.datetime
    actor_id: int | None
    actor_name: str
    agency_id: int | None
    action: str
    action_label: str
    object_type: str
    object_id: str
    object_digest: str
    body: str = Field(description="被哈希的规范 JSON 正文")
    leaf_hash: str

    @staticmethod
    def resolve_leaf_hash(obj) -> str:
        return bytes(obj.leaf_hash).hex()


class InclusionProofOut(Schema):
    hash: str
    leaf_index: int
    tree_size: int
    entry: str | None = Field(
        None, description="被哈希的账本正文；仅对有权查看所涉记录的人给出，否则省略"
    )
    leaf_hash: str
    proof: list[str]
    checkpoint: str


class ConsistencyProofOut(Schema):
    hash: str
    old_checkpoint: str
    new_checkpoint: str
    proof: list[str]


class ConsistencyQuery(Schema):
    old_size: int = Field(alias="from", ge=0, le=2**63 - 1, description="旧检查点的树大小")
    new_size: int = Field(alias="to", ge=0, le=2**63 - 1, description="新检查点的树大小")


def _lookup(call, **kwargs):
    try:
        return call(**kwargs)
    except selectors.LedgerLookupError as exc:
        raise HttpError(exc.status, exc.message) from exc


@router.get("/checkpoints/latest", response=CheckpointOut, auth=None, summary="最新检查点（公开）")
def latest_checkpoint(request):
    checkpoint = selectors.checkpoint_latest()
    if checkpoint is None:
        raise HttpError(404, "尚未签署检查点。")
    return checkpoint


@router.get("/checkpoints", response=list[CheckpointOut], auth=None, summary="检查点列表（公开）")
@paginate(PageNumberPagination, page_size=50)
def list_checkpoints(request):
    return selectors.checkpoint_list()


@router.get("/keys", response=list[VerifierKeyOut], auth=None, summary="验证公钥（公开）")
def verifier_keys(request):
    return keys.published_keys()


def _anyone(request):
    """Admit a caller without credentials too (after the session and token checks had their
    turn, so a signed-in caller is still known and may get the bodies he may read)."""
    return True


PUBLIC_WITH_OPTIONAL_AUTH = [*AUTH, _anyone]
# The schema says so too: ninja appends this empty requirement ``{}`` to the schemes, which makes
# credentials optional in OpenAPI (the schemathesis pass, ADR 0078, counted the anonymous 200 as
# ignored authentication).
OPTIONAL_AUTH_SECURITY = {"security": [{}]}


@router.get("/entries/{seq}", response=EntryOut, summary="账本记录")
def get_entry(request, seq: int = Path(..., ge=1, le=MAX_SEQ)):
    """仅当您有权查看该记录所涉的对象时返回；否则与不存在的序号答复相同。"""
    return _lookup(selectors.entry_get, seq=seq, user=request.user)


@router.get(
    "/proofs/inclusion",
    response=InclusionProofOut,
    auth=PUBLIC_WITH_OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_AUTH_SECURITY,
    exclude_none=True,
    summary="包含证明（公开；正文仅对有权查看者给出）",
)
def inclusion_proof(
    request,
    seq: int = Query(..., ge=1, le=MAX_SEQ),
    size: int | None = Query(None, ge=1, le=MAX_SEQ),
):
    return _lookup(selectors.inclusion_proof_get, seq=seq, tree_size=size, user=request.user)


@router.get(
    "/proofs/consistency", response=ConsistencyProofOut, auth=None, summary="一致性证明（公开）"
)
def consistency_proof(request, sizes: Query[ConsistencyQuery]):
    return _lookup(
        selectors.consistency_proof_get, old_size=sizes.old_size, new_size=sizes.new_size
    )
