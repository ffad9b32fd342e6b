"""Import and export of every catalog (XLSX and CSV): all rows checked, all or nothing, round trip."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from sanxiang.catalog import exporters, services
from sanxiang.catalog.exporters import content_rows
from sanxiang.catalog.kinds import SPECS, rows_from_db, spec_for
from sanxiang.catalog.models import CatalogKind, PowerItem
from sanxiang.ledger.models import LedgerEntry

POWER_HEADER = ["事项编码", "事项名称", "权力类型", "设定依据", "实施层级", "适用程序"]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def draft(team, agency, kind):
    return services.catalog_version_create(
        actor=team["editor"],
        agency=agency,
        kind=kind,
        effective_from=timezone.localdate(),
        title="导入测试",
    )


def import_errors(team, version, content, filename="catalog.xlsx") -> list[str]:
    with pytest.raises(ValidationError) as exc:
        services.catalog_import(
            actor=team["editor"], version=version, content=content, filename=filename
        )
    return exc.value.message_dict["file"]


def test_malformed_xlsx_is_refused_row_by_row_and_imports_nothing(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.LEGAL_BASIS)
    before_items = version.legal_bases.count()
    before_ledger = LedgerEntry.objects.count()
    content = xlsx(
        [
            ["名称", "效力层级", "制定机关", "公布日期", "施行日期", "失效日期", "条", "条文"],
            [
                "示例条例甲",
                "行政法规",
                "国务院",
                "2024-01-24",
                "2024-05-01",
                "",
                "第一条",
                "【示例】",
            ],
            ["示例条例乙", "法规", "国务院", "2024/13/01", "2024-02-30", "", "1", "【示例】"],
            ["示例条例丙", "规章", "", "2024-01-01", "2023-12-31", "2023-06-01", "第X条", ""],
        ]
    )
    errors = import_errors(team, version, content)
    assert errors == [
        "第3行「效力层级」：取值无效，可选值：法律、行政法规、地方性法规、规章、规范性文件、标准。",
        "第3行「公布日期」：日期格式应为 YYYY-MM-DD，且应为真实存在的日期。",
        "第3行「施行日期」：日期格式应为 YYYY-MM-DD，且应为真实存在的日期。",
        "第4行「制定机关」：此项为必填。",
        "第4行「条」：条文序号应写作“第一百一十条”或“110”。",
        "第4行「条文」：此项为必填。",
    ]
    assert version.legal_bases.count() == before_items  # nothing imported, nothing removed
    assert LedgerEntry.objects.count() == before_ledger


def test_missing_columns_are_named(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.POWER_LIST)
    content = xlsx([["事项编码", "事项名称", "乱写的列"], ["A-1", "某事项", "x"]])
    assert import_errors(team, version, content) == [
        "第1行：未知的列「乱写的列」。",
        "缺少必需的列「权力类型」。",
        "缺少必需的列「设定依据」。",
        "缺少必需的列「实施层级」。",
        "缺少必需的列「适用程序」。",
    ]


def test_unknown_legal_basis_is_refused_per_row(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.POWER_LIST)
    count = version.power_items.count()
    content = xlsx(
        [
            POWER_HEADER,
            ["A-1", "正确事项", "行政处罚", "《安全生产法》第九十七条", "监察分局", "行政处罚程序"],
            ["A-2", "未知法规", "行政处罚", "《不存在的示例法》第一条", "监察分局", "行政处罚程序"],
            [
                "A-3",
                "未知条文",
                "行政检查",
                "《安全生产法》第九百九十九条",
                "省级局",
                "行政检查程序",
            ],
            ["A-3", "重复编码", "行政检查", "安全生产法第一条", "市局", "行政检查程序"],
        ]
    )
    errors = import_errors(team, version, content)
    assert errors == [
        "第3行「设定依据」：未找到执法依据《不存在的示例法》：请先在本单位适用的执法依据目录中登记并公布。",
        "第4行「设定依据」：执法依据《安全生产法》中没有第九百九十九条。",
        "第5行「设定依据」：无法识别的法律依据“安全生产法第一条”，应写作如《安全生产法》第一百一十条。",
        "第5行「实施层级」：无法识别“市局”，可选值：国家局、省级局、监察分局（多个值用顿号分隔）。",
    ]
    assert version.power_items.count() == count


def test_duplicate_and_inconsistent_rows(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.POWER_LIST)
    row = ["A-1", "事项", "行政处罚", "《安全生产法》第九十七条", "监察分局", "行政处罚程序"]
    assert import_errors(team, version, xlsx([POWER_HEADER, row, row])) == [
        "第3行「事项编码」：与第2行重复。"
    ]
    compendium = draft(team, province["provincial"], CatalogKind.VIOLATION_COMPENDIUM)
    header = [
        "编码",
        "类别",
        "标准描述",
        "违反条款",
        "违法情节",
        "具体情形",
        "罚款下限（元）",
        "罚款上限（元）",
    ]
    first = [
        "V-1",
        "违法行为",
        "【示例】描述",
        "《安全生产法》第二十八条",
        "一般",
        "情形一",
        "100",
        "50",
    ]
    second = [
        "V-1",
        "违法行为",
        "【示例】另一个描述",
        "《安全生产法》第二十八条",
        "较重",
        "情形二",
        "",
        "",
    ]
    assert import_errors(team, compendium, xlsx([header, first, second])) == [
        "第2行「罚款上限（元）」：罚款上限不能低于下限。",
        "第3行「标准描述」：与第2行同一事项的内容不一致。",
    ]


def test_major_catalog_import_refuses_loosening(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.MAJOR_DECISION)
    content = exporters.to_csv(
        spec_for(CatalogKind.MAJOR_DECISION),
        rows_from_db(spec_for(CatalogKind.MAJOR_DECISION), version),
    )
    text = content.decode("utf-8-sig").replace(
        "对个人罚款达到门槛,20000", "对个人罚款达到门槛,25000"
    )
    text = "\r\n".join(line for line in text.split("\r\n") if not line.startswith("SH2-09"))
    errors = import_errors(team, version, text.encode("utf-8-sig"), "major.csv")
    assert errors == [
        "“SH2-09 申请人民法院强制执行监察执法决定”是《实施办法》规定的法定审核事项，不得删除。",
        "第3行「门槛金额（元）」：“SH2-02P 对个人罚款2万元以上”是法定审核事项，门槛只能降低（从严），不得高于法定的20,000元；您填写的是25,000元。",
    ]


def test_not_a_spreadsheet(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.REMEDY)
    assert import_errors(team, version, b"PK\x03\x04garbage") == [
        "无法读取文件：不是有效的 XLSX 文件。"
    ]
    assert import_errors(team, version, b"x", "catalog.pdf") == [
        "只能导入 XLSX 或 CSV 文件（当前文件：catalog.pdf）。"
    ]
    assert import_errors(team, version, b"", "catalog.csv") == ["文件是空的：第1行应为列名。"]


def test_gbk_csv_from_excel_is_read(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.DOCUMENT_TYPE)
    content = "文书代码,文书名称,编号简称\r\nx_notice,示例通知书,示通\r\n".encode("gb18030")
    assert (
        services.catalog_import(
            actor=team["editor"], version=version, content=content, filename="d.csv"
        )
        == 1
    )
    assert list(version.document_types.values_list("short_code", flat=True)) == ["示通"]
    entry = LedgerEntry.objects.filter(action="catalog.import").latest("seq")
    assert entry.object_id == str(version.pk) and '"items":1' in entry.body


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", list(SPECS))
def test_export_reimports_unchanged(samples, team, province, kind, fmt):
    spec = spec_for(kind)
    published = samples[kind]
    content, content_type, filename = exporters.export_version(spec, published, fmt)
    assert filename.endswith(f".{fmt}") and content_type
    version = draft(team, province["provincial"], kind)
    getattr(version, spec.primary.related_name).all().delete()
    services.catalog_import(
        actor=team["editor"], version=version, content=content, filename=filename
    )
    assert content_rows(spec, rows_from_db(spec, version)) == content_rows(
        spec, rows_from_db(spec, published)
    )


def test_xlsx_export_has_headers_and_instructions(samples):
    spec = spec_for(CatalogKind.POWER_LIST)
    content, _, _ = exporters.export_version(spec, samples[CatalogKind.POWER_LIST], "xlsx")
    workbook = load_workbook(io.BytesIO(content))
    data, guide = workbook.worksheets
    assert [c.value for c in data[1]][:3] == ["事项编码", "事项名称", "权力类型"]
    assert data["E2"].value == "省级局、监察分局"
    assert guide.title == "填写说明" and guide["C2"].value == "必填"


def test_csv_export_opens_in_excel(samples):
    content, content_type, _ = exporters.export_version(
        spec_for(CatalogKind.REMEDY), samples[CatalogKind.REMEDY], "csv"
    )
    assert content.startswith("\ufeff".encode()) and content_type.startswith("text/csv")
    assert "救济方式" in content.decode("utf-8-sig").splitlines()[0]


def test_import_replaces_draft_items(samples, team, province):
    version = draft(team, province["provincial"], CatalogKind.POWER_LIST)
    content = xlsx(
        [
            POWER_HEADER,
            ["B-1", "唯一事项", "行政检查", "《安全生产法》第六十五条", "监察分局", "行政检查程序"],
        ]
    )
    assert (
        services.catalog_import(
            actor=team["editor"], version=version, content=content, filename="p.xlsx"
        )
        == 1
    )
    assert list(PowerItem.objects.filter(version=version).values_list("code", flat=True)) == ["B-1"]


def test_files_are_in_the_legal_language_whatever_the_ui(samples, team, province):
    """An officer working in English exports the standard Chinese file and imports it back."""
    from django.utils import translation

    version = draft(team, province["provincial"], CatalogKind.DOCUMENT_TYPE)
    with translation.override("en"):
        spec = spec_for(CatalogKind.DOCUMENT_TYPE)
        content = exporters.to_csv(spec, rows_from_db(spec, version))
        assert content.decode("utf-8-sig").startswith("文书代码,文书名称,编号简称")
        chinese = "文书代码,文书名称,编号简称\r\nx_notice,示例通知书,示通\r\n".encode("utf-8-sig")
        assert (
            services.catalog_import(
                actor=team["editor"], version=version, content=chinese, filename="d.csv"
            )
            == 1
        )
