"""The demo's training and 督办 (issue 16, BZ-3 and BZ-1), through the real services:

* every officer has this year's 40 hours of training (the sample requirement, 示例) except
  ``officer01`` of the eastern sub-bureau, who has 12: his home page shows the hours due, and
  his annual review (年审) cannot pass until the rest is recorded;
* the provincial head (``head``) has issued a 督办 notice to the eastern sub-bureau on one of
  its records (an overdue rectification if there is one, else an open case): it waits for
  ``head01``'s reply on his home page.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import Role
from sanxiang.supervision.notices import services as notices
from sanxiang.supervision.notices import targets
from sanxiang.supervision.training import services as training

BELOW = "officer01"


def load_demo_training(*, province: Agency) -> None:
    admin = Staff.objects.get(username="admin")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=3)
    officers = Staff.objects.filter(
        role_grants__role=Role.OFFICER, agency__path__startswith=province.path
    ).order_by("pk")
    for officer in officers.distinct():
        training.training_record_create(
            actor=admin,
            staff=officer,
            course="《行政处罚法》《安全生产法》执法实务培训（示例）",
            organiser="华北省煤矿安全监察局法规处（示例）",
            started_on=start,
            ended_on=today,
            hours="12" if officer.username == BELOW else "40",
            exam_result="passed",
        )
    head = Staff.objects.get(username="head")
    groups = targets.choices(head, today)
    if not groups:
        return
    overdue = [
        g for g in groups if g[0] == str(targets.target_types()["inspections.onsitemeasure"].label)
    ]
    value = (overdue or groups)[0][1][0][0]
    notices.notice_issue(
        actor=head,
        target=value,
        requirement="请于期限内查明情况、依法办理并书面报告办理结果（示例）。",
        due_on=today + datetime.timedelta(days=10),
    )
