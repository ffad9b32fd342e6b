"""Load the demo province (idempotent): agencies, staff with certificates, mines, persons,
catalogs, last year's and this year's published results, and enforcement in progress.

Everything is created through the services, so the demo ledger is as complete as a real
one. The province goes live at the start of last year: agencies, staff, mines and catalogs
are created then, and the publicity work of the months since is played on the demo clock
(``sanxiang/demo/results.py``), with the two cases the 案卷评查 finds fault with
(``sanxiang/demo/evaluation_files.py``, whose officers' certificates are registered first);
the other certificates are registered and today's inspections and cases
made at the real time, and the matters closed today are filed in the archive (a case, an
inspection, a 安全监管建议书, and one unit the four-property check refuses —
``sanxiang/demo/archive.py``). Running it again when the province exists changes nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sanxiang.catalog.samples import load_demo_catalogs
from sanxiang.core.audit import audit_context
from sanxiang.demo.appeals import load_demo_appeals
from sanxiang.demo.archive import load_demo_archive
from sanxiang.demo.clock import simulated_clock
from sanxiang.demo.complaints import load_demo_complaints
from sanxiang.demo.enforcement import load_demo_enforcement
from sanxiang.demo.enterprise import load_demo_enterprise
from sanxiang.demo.evaluation import load_demo_evaluation
from sanxiang.demo.evaluation_files import LAPSED_OFFICER, EvaluationFiles, lapsed_expiry
from sanxiang.demo.identities import credit_code, id_card, person_name
from sanxiang.demo.licensing import load_demo_licensing
from sanxiang.demo.results import go_live, load_demo_results
from sanxiang.demo.supervision import load_demo_risk
from sanxiang.demo.supervision_training import load_demo_training
from sanxiang.evidence.fixity import fixity_check
from sanxiang.ledger.services import ledger_append
from sanxiang.org import services as org
from sanxiang.org.models import Agency, AgencyLevel, CertificateStatus, Staff
from sanxiang.org.roles import Role
from sanxiang.publicity.models import AnnualReport
from sanxiang.registry import services as registry
from sanxiang.registry.models import MineStatus, MineType

DEMO_PASSWORD = "Sanxiang@2026"
PROVINCE_DIVISION = "149900"
SUB_BUREAUS = (
    ("东部监察分局", "东", "149901", "东山市"),
    ("西部监察分局", "西", "149902", "西岭市"),
    ("北部监察分局", "北", "149903", "北川市"),
)
OFFICERS_PER_SUB_BUREAU = 18
MINES_PER_SUB_BUREAU = 50
PLACES = "安泰兴隆鑫源恒昌福祥宏达永盛金鼎瑞丰华晋东峰石岭青龙白杨红旗长城和平胜利新华龙泉凤凰"


class Command(BaseCommand):
    help = "载入演示数据（华北省示例，已存在则跳过）"

    def handle(self, *args, **options):
        if Agency.objects.filter(name="华北省煤矿安全监察局").exists():
            self.stdout.write("演示数据已存在，跳过。")
            if not AnnualReport.objects.exists():
                self.stdout.write(
                    "（这份演示数据由旧版本载入，没有执法结果公示；删除 data/ 后重新运行 "
                    "make run 即可载入。）"
                )
            return
        rng = random.Random(2026)
        now = timezone.now()
        today = timezone.localdate(now)
        self.certificates: list[dict] = []
        with audit_context(channel="command"), transaction.atomic():
            with simulated_clock(go_live(today)) as clock:
                admin = self._admin()
                province = self._agencies(admin, rng)
                self._people(admin, province, rng, today)
                load_demo_catalogs(province=province, today=timezone.localdate())
                files = EvaluationFiles(
                    province=province,
                    certificates=self.certificates,
                    register=lambda entry: self._certificate(admin, **entry),
                    today=today,
                )
                load_demo_results(
                    province=province,
                    clock=clock,
                    until=now,
                    rng=random.Random(2025),
                    also=files.schedule,
                )
            for certificate in self.certificates:
                if certificate["holder"].pk not in files.registered:
                    self._certificate(admin, **certificate)
            self._second_factors()
            load_demo_enforcement(province=province)
            load_demo_risk(province=province)
            load_demo_appeals(province=province)
            load_demo_enterprise(province=province, password=DEMO_PASSWORD)
            load_demo_licensing(province=province)
            load_demo_archive(province=province)
            load_demo_complaints(province=province)
            load_demo_evaluation(province=province)
            load_demo_training(province=province)  # issue 16: training hours, 督办
        # The custodians' dashboard shows the last fixity check; the demo starts with one.
        fixity_check()
        self.stdout.write(self.style.SUCCESS("演示数据已载入。"))

    def _second_factors(self) -> None:
        """Every demo account that must use a second factor gets the published demo secret."""
        from sanxiang.core.stepup import second_factor_required
        from sanxiang.demo.second_factor import enrol_demo_secret

        for staff in Staff.objects.order_by("pk"):
            if second_factor_required(staff):
                enrol_demo_secret(staff)

    def _admin(self) -> Staff:
        admin = Staff.objects.create_superuser(
            username="admin", password=DEMO_PASSWORD, full_name="系统管理员"
        )
        ledger_append(actor=None, action="staff.create", obj=admin, details={"superuser": True})
        return admin

    def _agencies(self, admin: Staff, rng: random.Random) -> Agency:
        national = org.agency_create(
            actor=admin,
            parent=None,
            name="国家煤矿安全监察局",
            short_name="国",
            level=AgencyLevel.NATIONAL,
            credit_code=credit_code(rng, "110000", "11"),
            enforcement_scope="全国煤矿安全监察（示例）",
            division_code="110000",
        )
        province = org.agency_create(
            actor=admin,
            parent=national,
            name="华北省煤矿安全监察局",
            short_name="华",
            level=AgencyLevel.PROVINCIAL,
            credit_code=credit_code(rng, PROVINCE_DIVISION, "11"),
            enforcement_scope="华北省行政区域内煤矿安全监察（示例）",
            division_code=PROVINCE_DIVISION,
            address="华北省省城市迎宾路1号",
            phone="0351-1234567",
        )
        for name, short, division, city in SUB_BUREAUS:
            org.agency_create(
                actor=admin,
                parent=province,
                name=f"华北省煤矿安全监察局{name}",
                short_name=short,
                level=AgencyLevel.SUB_BUREAU,
                credit_code=credit_code(rng, division, "11"),
                enforcement_scope=f"{city}及所辖县（区）煤矿安全监察（示例）",
                division_code=division,
                address=f"{city}人民路{rng.randrange(1, 300)}号",
            )
        return province

    def _staff(self, admin, agency, username, roles, rng, **extra) -> Staff:
        return org.staff_create(
            actor=admin,
            username=username,
            agency=agency,
            roles=roles,
            password=DEMO_PASSWORD,
            full_name=extra.pop("full_name", None) or person_name(rng),
            **extra,
        )

    def _people(
        self, admin: Staff, province: Agency, rng: random.Random, today: datetime.date
    ) -> None:
        sub_bureaus = list(province.children.order_by("pk"))
        self._staff(admin, province, "head", [Role.HEAD], rng, position="局长")
        self._staff(admin, province, "sysadmin", [Role.SYSTEM_ADMIN], rng, position="信息中心")
        officer_no, reviewer_no = 0, 0
        for index, bureau in enumerate(sub_bureaus, start=1):
            self._staff(
                admin,
                bureau,
                f"head{index:02d}",
                [Role.HEAD, Role.OFFICER],
                rng,
                position="分局局长",
            )
            self._staff(
                admin, bureau, f"custodian{index:02d}", [Role.CUSTODIAN], rng, position="档案管理员"
            )
            self._staff(
                admin,
                bureau,
                f"editor{index:02d}",
                [Role.PUBLICITY_EDITOR],
                rng,
                position="公示编辑",
            )
            for _ in range(2):
                reviewer_no += 1
                self._staff(
                    admin,
                    bureau,
                    f"reviewer{reviewer_no:02d}",
                    [Role.LEGAL_REVIEWER],
                    rng,
                    position="法制审核员",
                    has_legal_qualification=True,
                )
            for _ in range(OFFICERS_PER_SUB_BUREAU):
                officer_no += 1
                self._officer(admin, bureau, officer_no, rng, today)
            self._mines(admin, bureau, index, rng, today)
        for _ in range(2):
            reviewer_no += 1
            self._staff(
                admin,
                province,
                f"reviewer{reviewer_no:02d}",
                [Role.LEGAL_REVIEWER],
                rng,
                position="法规处",
                has_legal_qualification=True,
            )
        for _ in range(6):
            officer_no += 1
            self._officer(admin, province, officer_no, rng, today)
        self._advisers(admin, province, rng)

    def _officer(self, admin, agency, number, rng, today) -> None:
        officer = self._staff(
            admin, agency, f"officer{number:02d}", [Role.OFFICER], rng, position="监察员"
        )
        issued = today - datetime.timedelta(days=rng.randrange(200, 1500))
        expires = issued + datetime.timedelta(days=5 * 365)
        if number % 15 == 0:  # a few certificates lapsed, as in any real unit
            issued = today - datetime.timedelta(days=6 * 365)
            expires = today - datetime.timedelta(days=rng.randrange(5, 90))
            if number == LAPSED_OFFICER:  # lapsed between his case's notice and decision
                expires = lapsed_expiry(today)
        # Registered after the history (``handle``): their dates are relative to today.
        self.certificates.append(
            {"holder": officer, "number": number, "issued_on": issued, "expires_on": expires}
        )

    def _certificate(self, admin, *, holder, number, issued_on, expires_on) -> None:
        certificate = org.certificate_issue(
            actor=admin,
            holder=holder,
            number=f"1499{number:07d}",
            issuing_authority="华北省人民政府",
            issued_on=issued_on,
            expires_on=expires_on,
        )
        if number == 40:
            org.certificate_set_status(
                actor=admin,
                certificate=certificate,
                status=CertificateStatus.REVOKED,
                reason="调离执法岗位",
            )

    def _mines(self, admin, bureau, index, rng, today) -> None:
        division = bureau.division_code
        for n in range(MINES_PER_SUB_BUREAU):
            place = PLACES[(n * 2) % len(PLACES)] + PLACES[(n * 3 + index) % len(PLACES)]
            underground = rng.random() < 0.85
            status = rng.choices(
                [
                    MineStatus.PRODUCING,
                    MineStatus.CONSTRUCTING,
                    MineStatus.RECTIFYING,
                    MineStatus.SUSPENDED,
                ],
                weights=[75, 10, 8, 7],
            )[0]
            registry.mine_create(
                actor=admin,
                supervising_agency=bureau,
                name=f"华北{bureau.short_name}{place}煤业有限公司{place[::-1]}煤矿（示例{n + 1:02d}）",
                credit_code=credit_code(rng, division),
                division_code=division,
                address=f"华北省{bureau.address[:3]}{place}镇",
                mine_type=MineType.UNDERGROUND if underground else MineType.OPEN_PIT,
                status=status,
                licence_number=f"（华）MK安许证字〔{rng.randrange(2019, 2025)}〕{rng.randrange(1, 999):03d}",
                licence_valid_until=today + datetime.timedelta(days=rng.randrange(-60, 1000)),
                capacity_10kt=Decimal(rng.choice([30, 45, 60, 90, 120, 150, 240, 300, 500])),
                person_in_charge=person_name(rng),
                is_key=rng.random() < 0.2,
            )
        mines = list(bureau.mines.order_by("pk")[:3])
        for mine in mines:
            registry.person_create(
                actor=admin,
                agency=bureau,
                name=person_name(rng),
                id_number=id_card(rng, division),
                phone=f"139{rng.randrange(10**7, 10**8)}",
                address=f"{mine.address}{rng.randrange(1, 99)}号院",
                employer=mine,
                job_title=rng.choice(["矿长", "安全副矿长", "总工程师", "通风队长"]),
            )

    def _advisers(self, admin, province, rng) -> None:
        for kind, org_name, shared in (
            ("legal_adviser", "华北正理律师事务所", True),
            ("legal_adviser", "华北明德律师事务所", True),
            ("public_lawyer", "华北省煤矿安全监察局法规处", False),
        ):
            org.adviser_create(
                actor=admin,
                agency=province,
                name=person_name(rng),
                kind=kind,
                organisation=org_name,
                specialties="行政处罚、行政强制",
                shared_pool=shared,
            )
