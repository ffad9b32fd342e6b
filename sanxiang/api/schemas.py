"""Base schemas for API input: strict, so a client's mistake is named rather than ignored."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, model_validator


class InputSchema(Schema):
    """Request bodies must be JSON objects with known fields only."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _must_be_object(cls, data: Any) -> Any:
        if not isinstance(data, dict) and not hasattr(data, "__dict__"):
            raise ValueError("请求体应为 JSON 对象。")
        return data
