"""Download the statistics in the official layout, fill them offline, upload, preview, confirm."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from reports.excel.template import MAP_SHEET, report_workbook, sheet_plans
from reports.models import ReportEvent, ReportSection
from reports.selectors import ReportContent

from .helpers import cell_map, fill, make_report, value_in

pytestmark = pytest.mark.django_db


def download(client, report) -> bytes:
    response = client.get(f"/reports/{report.pk}/excel/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    return response.content


def upload(client, report, content: bytes, name="统计表.xlsx"):
    return client.post(f"/reports/{report.pk}/excel/upload/", {"file": SimpleUploadedFile(name, content)})


def test_the_workbook_has_the_official_layout_prefilled(people, client):
    report = make_report(people)
    client.force_login(people.filler)
    workbook = load_workbook(io.BytesIO(download(client, report)))
    fmt = report.format
    assert workbook.sheetnames == [s.title for s in fmt.sections if s.tables] + [MAP_SHEET]
    assert workbook[MAP_SHEET].sheet_state == "veryHidden"
    assert workbook[MAP_SHEET]["B2"].value == "2021" and workbook[MAP_SHEET]["B3"].value == report.pk

    s3 = workbook["三、收到和处理政府信息公开申请情况"]
    merged = {str(r): s3[str(r).split(":")[0]].value for r in s3.merged_cells.ranges}
    table = fmt.table("s3")
    group_rows = sum(1 for row, groups in table.row_paths() if groups and groups[0].label == "三、本年度办理结果")
    assert group_rows == 22
    spans = {value: rng for rng, value in merged.items()}
    assert spans["申请人情况"] == "D4:J4"  # three label columns, then the seven applicant columns
    assert spans["法人或其他组织"] == "E5:I5"
    top, bottom = spans["三、本年度办理结果"].split(":")
    assert int(bottom[1:]) - int(top[1:]) + 1 == 22
    assert spans["（三）不予公开"].startswith("B")

    values = ReportContent.of(report).values
    where = cell_map(workbook)
    assert set(where) == {c.id for c in fmt.cells().values() if not c.computed}
    for cell_id, (sheet, address) in where.items():
        got = workbook[sheet][address].value
        assert (Decimal(repr(got)) if isinstance(got, float) else got) == values.get(cell_id), cell_id
        assert workbook[sheet][address].protection.locked is False
    # A total is there, grey and locked (the sheet is protected).
    total = s3.cell(row=int(s3[where["s3.R1.A"][1]].row), column=s3[where["s3.R1.A"][1]].column + 6)
    assert total.value == values["s3.R1.G"] and total.protection.locked and s3.protection.sheet
    assert total.fill.fgColor.rgb.endswith("D9D9D9")


def test_round_trip_previews_then_stores_on_confirmation(people, client):
    report = make_report(people)
    client.force_login(people.filler)
    before = ReportContent.of(report).values
    content = fill(download(client, report), {"s2.t6.r1.c1": 1472, "s4.c1": before["s4.c1"] + 2,
                                              "s4.c2": "  3 ", "s2.t8.r1.c1": 12.5})
    response = upload(client, report, content)
    assert response.status_code == 302 and response["Location"].endswith("/excel/preview/")
    # Nothing stored yet.
    assert ReportContent.of(report).values == before
    assert not ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SAVED).exists()

    page = client.get(response["Location"]).content.decode()
    assert "第二十条第（六）项·行政处罚·本年处理决定数量" in page and "1472" in page
    assert "确认保存" in page and "尚未保存" in page
    assert "行政复议·结果维持" in page

    response = client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "confirm"}, follow=True)
    assert "已按上传的统计表保存 2 个部分" in response.content.decode()
    after = ReportContent.of(report).values
    assert after["s2.t6.r1.c1"] == 1472 and str(after["s2.t8.r1.c1"]) == "12.5"
    assert after["s4.c1"] == before["s4.c1"] + 2 and after["s4.c2"] == 3
    assert after["s4.c5"] == sum(after[f"s4.c{i}"] for i in range(1, 5))  # totals recomputed
    saves = ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SAVED)
    assert sorted(e.data["section"] for e in saves) == ["s2", "s4"]
    assert ReportSection.objects.get(report=report, key="s3").version == 1  # untouched section not saved
    # The download now carries the new numbers.
    assert value_in(download(client, report), "s2.t6.r1.c1") == 1472


def test_preview_shows_the_rules_on_the_would_be_values(people, client):
    report = make_report(people)
    client.force_login(people.filler)
    r1 = ReportContent.of(report).values["s3.R1.A"]
    upload(client, report, fill(download(client, report), {"s3.R1.A": r1 + 5}))
    page = client.get(f"/reports/{report.pk}/excel/preview/").content.decode()
    assert "错误：第一项加第二项之和应等于第三项加第四项之和（自然人）" in page


def test_a_total_typed_in_the_file_is_recomputed_and_said_so(people, client):
    report = make_report(people)
    client.force_login(people.filler)

    def overwrite_total(workbook):
        plan = next(p for p in sheet_plans(report.format) if p.section_key == "s4")
        total = next(i for i in plan.items if i.cell_id == "s4.c5")
        assert (total.row, total.col) == (7, 5)  # title, instructions, a blank row, three header rows
        workbook[plan.title].cell(row=total.row, column=total.col).value = 999

    upload(client, report, fill(download(client, report), {"s4.c1": 7}, edit=overwrite_total))
    page = client.get(f"/reports/{report.pk}/excel/preview/").content.decode()
    assert "“行政复议·总计”由系统自动计算，文件中的 999 不会保存" in page


def test_an_unchanged_upload_has_nothing_to_confirm(people, client):
    report = make_report(people)
    client.force_login(people.filler)
    upload(client, report, download(client, report))
    page = client.get(f"/reports/{report.pk}/excel/preview/").content.decode()
    assert "没有需要保存的修改" in page and "确认保存" not in page


def test_cancel_stores_nothing(people, client):
    report = make_report(people)
    client.force_login(people.filler)
    upload(client, report, fill(download(client, report), {"s4.c1": 40}))
    response = client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "cancel"}, follow=True)
    assert "已取消" in response.content.decode()
    assert ReportContent.of(report).values["s4.c1"] != 40
    response = client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "confirm"}, follow=True)
    assert "没有待确认的上传" in response.content.decode()


def test_the_workbook_of_the_2019_beijing_format_splits_its_rows(people):
    report = make_report(people, year=2020)
    report.reporting_year.format_variant = "beijing"
    report.reporting_year.save()
    workbook = load_workbook(io.BytesIO(report_workbook(report)))
    sheet = workbook["二、主动公开政府信息情况"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "其他对外管理服务事项" in texts and "行政检查" in texts and "采购总金额（万元，保留四位小数）" in texts
