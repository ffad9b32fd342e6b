"""Demo reports (投诉举报, issue 15) in several states, made through the services: one waiting
in the intake queue, one involving deaths on the head's dashboard, one by phone under
verification, one turned into an inspection with a photo (EXIF stripped), one answered with
its reward recorded, one transferred. Reporters' phones here are fictitious (privacy scan)."""

from __future__ import annotations

import base64
import datetime
import io
import json

import altcha
from PIL import Image

from sanxiang.complaints import services
from sanxiang.complaints.models import ComplaintFile
from sanxiang.core import blobstore
from sanxiang.org.models import Agency

from .enforcement import Demo

DEMO_REPORTER_PHONES = ("13800001111", "13900002222", "13700003333")


def _captcha() -> str:
    challenge = services.pow_challenge()
    solution = altcha.solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxnumber"]
    )
    payload = {**challenge, "number": solution.number}
    payload.pop("maxnumber")
    return base64.b64encode(json.dumps(payload).encode()).decode()


def _online(**data):
    complaint, _code = services.complaint_submit(
        address="192.0.2.10", data=data, pow_payload=_captcha()
    )
    return complaint


def _photo() -> bytes:
    image = Image.new("RGB", (320, 240), (90, 90, 95))
    exif = Image.Exif()
    exif[0x0110] = "DemoPhone"
    exif.get_ifd(0x8825).update({1: "N", 2: (37.0, 51.0, 0.0), 3: "E", 4: (112.0, 33.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def load_demo_complaints(*, province: Agency) -> None:
    east = province.children.order_by("pk").first()
    if east is None:
        return
    demo = Demo(east)
    officers, mines, head = demo.officers, demo.mines, demo.head
    today = demo.today
    _online(
        mine=mines[1],
        category="hazard",
        description="井下运输大巷皮带机保护装置被短接，仍在运行（示例）。",
        place="运输大巷",
    )
    _online(
        mine=mines[2],
        category="accident",
        description="上周井下发生冒顶事故，有一名工人死亡，矿方未上报（示例）。",
        place="二采区",
        involves_deaths=True,
        reporter_name="刘先生",
        reporter_contact=DEMO_REPORTER_PHONES[0],
    )
    phoned, _code = services.complaint_register(
        actor=officers[0],
        channel="phone",
        data={
            "mine": mines[3],
            "category": "illegal",
            "description": "煤矿在停产整顿期间夜间组织生产（示例）。",
            "reporter_name": "王女士",
            "reporter_contact": DEMO_REPORTER_PHONES[1],
        },
    )
    services.complaint_assign(actor=officers[0], complaint=phoned, officer=officers[1])

    converted = _online(
        mine=mines[4],
        category="hazard",
        description="采煤工作面瓦斯传感器被移位，监测数据偏低（示例）。",
        place="一采区工作面",
        reporter_contact=DEMO_REPORTER_PHONES[2],
    )
    blob = blobstore.blob_put(_photo())
    ComplaintFile.objects.create(
        complaint=converted,
        filename="现场照片.jpg",
        content_type="image/jpeg",
        size=blob.size,
        sha256=blob.sha256,
        original_path=blob.path,
    )
    services.complaint_files_scan(complaint=converted)
    converted = services.complaint_take(actor=officers[0], complaint=converted)
    converted = services.complaint_assign(
        actor=officers[0], complaint=converted, officer=officers[1]
    )
    converted = services.complaint_verify(
        actor=officers[1],
        complaint=converted,
        finding="调取监测数据并现场查看，传感器位置不符合规定（示例）。",
        substantiated="true",
    )
    services.complaint_convert_inspection(
        actor=officers[1],
        complaint=converted,
        officers=officers[1:3],
        planned_start=today + datetime.timedelta(days=1),
        planned_end=today + datetime.timedelta(days=3),
    )

    answered = _online(
        mine=mines[5],
        category="hazard",
        description="回风巷有积水未及时排出（示例）。",
    )
    answered = services.complaint_take(actor=officers[0], complaint=answered)
    answered = services.complaint_assign(actor=officers[0], complaint=answered, officer=officers[1])
    answered = services.complaint_verify(
        actor=officers[1],
        complaint=answered,
        finding="现场核查，积水已在排出，责令加强排水（示例）。",
        substantiated="partly",
    )
    answered = services.complaint_reply(
        actor=officers[0],
        complaint=answered,
        reply="您反映的问题部分属实，已责令煤矿整改（示例）。",
    )
    services.complaint_reward_record(
        actor=head, complaint=answered, eligible=True, note="举报部分属实，符合奖励条件（示例）。"
    )

    moved, _code = services.complaint_register(
        actor=officers[0],
        channel="letter",
        data={
            "mine_text": "某建材公司（非煤矿山）",
            "category": "other",
            "description": "石料厂爆破作业无人警戒（示例）。",
            "agency": east,
        },
    )
    services.complaint_transfer(
        actor=officers[0],
        complaint=moved,
        department="县应急管理局",
        reply="您反映的问题不属于煤矿安全监察职责，已移送县应急管理局处理（示例）。",
    )
