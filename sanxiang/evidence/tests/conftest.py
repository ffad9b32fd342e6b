"""Fixtures for evidence tests: two sub-bureaus' people, a token, and tus request helpers."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest
from django.test import Client

from sanxiang.api.tokens import api_token_create
from sanxiang.testing import factories

MP4_HEAD = factories.MP4_HEAD


def mp4_bytes(size: int) -> bytes:
    """``size`` bytes that start like an MP4 file and are otherwise random."""
    return (MP4_HEAD + os.urandom(max(0, size - len(MP4_HEAD))))[:size]


def metadata_header(**values: str) -> str:
    return ",".join(
        f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items()
    )


class Tus:
    """A tiny tus client over Django's test client."""

    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.headers = {"Tus-Resumable": "1.0.0"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def create(self, data: bytes | None = None, *, length: int | None = None, **metadata):
        if data is not None:
            metadata.setdefault("sha256", hashlib.sha256(data).hexdigest())
            metadata.setdefault("sm3", hashlib.new("sm3", data).hexdigest())
        metadata.setdefault("filename", "DSJ_0001.mp4")
        metadata.setdefault("filetype", "video/mp4")
        headers = dict(self.headers)
        headers["Upload-Length"] = str(length if length is not None else len(data))
        headers["Upload-Metadata"] = metadata_header(**metadata)
        return self.client.generic("POST", "/evidence/tus/", data=b"", headers=headers)

    def patch(self, url: str, offset: int, body: bytes, checksum: tuple[str, bytes] | None = None):
        headers = dict(self.headers)
        headers["Upload-Offset"] = str(offset)
        if checksum:
            algorithm, digest_input = checksum
            digest = hashlib.new(algorithm, digest_input).digest()
            headers["Upload-Checksum"] = f"{algorithm} {base64.b64encode(digest).decode()}"
        return self.client.generic(
            "PATCH", url, data=body, content_type="application/offset+octet-stream", headers=headers
        )

    def head(self, url: str):
        return self.client.head(url, headers=self.headers)

    def delete(self, url: str):
        return self.client.delete(url, headers=self.headers)

    def upload(self, data: bytes, chunk: int = 1 << 20, **metadata):
        created = self.create(data, **metadata)
        assert created.status_code == 201, created.content
        url = created["Location"]
        offset = 0
        response = None
        while offset < len(data):
            response = self.patch(url, offset, data[offset : offset + chunk])
            assert response.status_code == 204, response.content
            offset = int(response["Upload-Offset"])
        return url, response


@pytest.fixture
def people(province):
    a, b = province["a"], province["b"]
    officer = factories.officer(agency=a, full_name="张记录")
    _token, raw = api_token_create(actor=officer, name="采集站", scopes=["upload"])
    return {
        "officer": officer,
        "token": raw,
        "colleague": factories.officer(agency=a, full_name="李同事"),
        "other_officer": factories.officer(agency=b, full_name="王外单位"),
        "custodian": factories.custodian(agency=a, full_name="赵保管"),
        "head": factories.head(agency=a, full_name="钱负责"),
        "other_head": factories.head(agency=b, full_name="孙外负责"),
        "province": province,
    }


@pytest.fixture
def tus(people) -> Tus:
    return Tus(Client(), people["token"])
