import base64
import json

import altcha
import pytest

from sanxiang.testing import factories


@pytest.fixture(autouse=True)
def _quick_pow(settings):
    """A proof of work of a few hundred hashes, so tests solve it in milliseconds."""
    settings.SANXIANG_COMPLAINT_POW_MAX = 300


def solve(challenge: dict) -> str:
    """What the browser's script does: find the number, return the ALTCHA payload."""
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def fresh_captcha() -> str:
    from sanxiang.complaints.services import pow_challenge

    return solve(pow_challenge())


@pytest.fixture
def catalogs(province):
    return factories.enforcement_catalogs(agency=province["provincial"])


@pytest.fixture
def team(province):
    sub = province["a"]
    return {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "partner": factories.officer(agency=sub, full_name="王强"),
        "other": factories.officer(agency=sub, full_name="孙红"),
        "head": factories.head(agency=sub, full_name="赵局长"),
        "mine": factories.mine(agency=sub, name="测试省安泰煤业有限公司泰安煤矿"),
        "agency": sub,
        "outsider": factories.officer(agency=province["b"], full_name="钱外"),
    }


def report_data(team, **extra) -> dict:
    data = {
        "mine": team["mine"].pk,
        "category": "hazard",
        "description": "井下三号工作面瓦斯超限仍在作业",
        "place": "三号工作面",
        "occurred_on": "2026-11-30",
        "reporter_name": "张举报",
        "reporter_contact": "13912345678",
    }
    data.update(extra)
    return data
