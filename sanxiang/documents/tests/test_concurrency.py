"""200 concurrent issuances give 200 distinct consecutive numbers: no gap, no duplicate."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from sanxiang.documents import services
from sanxiang.documents.models import Document, DocumentNumber
from sanxiang.testing import factories

ISSUANCES = 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuances_are_gapless(province):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between concurrent transactions are exercised on PostgreSQL")
    officer = factories.officer(agency=province["a"])

    def issue_one(index: int) -> str:
        try:
            document = services.document_issue(
                actor=officer,
                agency=province["a"],
                type_code="rectification_order",
                short_code="责改",
                title="责令限期整改指令书",
                content={
                    "sections": [{"heading": "", "paragraphs": [f"第{index}份并发签发测试。"]}]
                },
            )
            return document.number.text
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        numbers = list(pool.map(issue_one, range(ISSUANCES)))

    assert len(set(numbers)) == ISSUANCES
    sequences = sorted(DocumentNumber.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, ISSUANCES + 1))
    assert Document.objects.count() == ISSUANCES
