"""Errors as RFC 9457 problem documents with field-level messages in Chinese.

Pydantic reports schema errors in English with its own type codes; they are translated
here so a client (and the officer behind it) reads the same Chinese messages as the UI.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from sanxiang.core.stepup import StepUpRequired
from sanxiang.core.text import CLEAN_TEXT_PATTERN, text_problem

PROBLEM_CONTENT_TYPE = "application/problem+json"

_PYDANTIC_MESSAGES = {
    "missing": "此字段为必填项。",
    "string_type": "应为文本。",
    "string_too_long": "内容过长，最多 {max_length} 个字符。",
    "string_too_short": "内容过短，至少 {min_length} 个字符。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "decimal_parsing": "应为数字。",
    "decimal_type": "应为数字。",
    "float_parsing": "应为数字。",
    "bool_parsing": "应为是或否（true/false）。",
    "bool_type": "应为是或否（true/false）。",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_type": "日期格式应为 YYYY-MM-DD。",
    "datetime_parsing": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00。",
    "datetime_type": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00。",
    "datetime_from_date_parsing": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00。",
    "enum": "取值无效，可选值：{expected}。",
    "literal_error": "取值无效，可选值：{expected}。",
    "list_type": "应为列表。",
    "model_attributes_type": "应为对象。",
    "dict_type": "应为对象。",
    "json_invalid": "请求体不是有效的 JSON。",
    "greater_than_equal": "应不小于 {ge}。",
    "less_than_equal": "应不大于 {le}。",
    "extra_forbidden": "不允许的字段。",
    "greater_than": "应大于 {gt}。",
    "less_than": "应小于 {lt}。",
    "too_long": "最多 {max_length} 项。",
    "too_short": "至少 {min_length} 项。",
    "string_pattern_mismatch": "格式不正确。",
}


def problem(
    request: HttpRequest, api: Any, status: int, title: str, errors: list[dict] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if errors:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _field_name(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form")]
    return ".".join(parts) or NON_FIELD_ERRORS


def schema_errors(exc: SchemaValidationError) -> list[dict]:
    out = []
    for error in exc.errors:
        template = _PYDANTIC_MESSAGES.get(error.get("type", ""), "取值无效。")
        if (error.get("ctx") or {}).get("pattern") == CLEAN_TEXT_PATTERN:
            template = text_problem("\x00") or template
        try:
            message = template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError):
            message = template
        out.append({"field": _field_name(tuple(error.get("loc", ()))), "message": message})
    return out


def django_errors(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": NON_FIELD_ERRORS, "message": m} for m in exc.messages]


def install(api: Any) -> None:
    """Register the problem handlers on a NinjaAPI instance."""

    @api.exception_handler(SchemaValidationError)
    def _schema(request, exc):
        return problem(request, api, 422, "请求数据有误", schema_errors(exc))

    @api.exception_handler(DjangoValidationError)
    def _validation(request, exc):
        return problem(request, api, 422, "请求数据有误", django_errors(exc))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        response = problem(request, api, 403, str(exc) or "没有权限。")
        if isinstance(exc, StepUpRequired):
            # Says where the code is given (ADR 0220): the step-up page, then retry in the
            # same browser session; a bearer token can never carry these acts.
            from django.urls import reverse

            body = json.loads(response.content)
            body.update(code="step_up_required", step_up_url=reverse("second_factor_step_up"))
            response.content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return response

    @api.exception_handler(ObjectDoesNotExist)
    def _missing(request, exc):
        return problem(request, api, 404, "对象不存在或无权查看。")

    @api.exception_handler(Http404)
    def _http404(request, exc):
        return problem(request, api, 404, "对象不存在或无权查看。")

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return problem(request, api, 401, "未登录或令牌无效。")

    @api.exception_handler(HttpError)
    def _http(request, exc):
        if exc.status_code == 400:  # django-ninja's only 400: an unparseable body
            return problem(
                request,
                api,
                400,
                "请求数据有误",
                [{"field": "body", "message": "请求体不是有效的 JSON，请检查格式。"}],
            )
        return problem(request, api, exc.status_code, str(exc))
