"""Every kind of bad upload gets a clear Chinese message and changes nothing."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.excel.template import report_workbook
from reports.excel.upload import MAX_UPLOAD_BYTES
from reports.models import ReportEvent, ReportSection
from reports.selectors import ReportContent
from reports.services import report_section_save

from .helpers import fill, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(people, client):
    client.force_login(people.filler)
    return make_report(people)


def refused(client, report, content: bytes, name="统计表.xlsx") -> str:
    """Upload, and return the message shown; assert that nothing changed."""
    before = {s.key: (s.version, s.values) for s in ReportSection.objects.filter(report=report)}
    response = client.post(f"/reports/{report.pk}/excel/upload/", {"file": SimpleUploadedFile(name, content)},
                           follow=True)
    assert response.redirect_chain[-1][0].endswith("/excel/upload/")
    after = {s.key: (s.version, s.values) for s in ReportSection.objects.filter(report=report)}
    assert after == before
    assert not ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SAVED).exists()
    assert f"excel_upload:{report.pk}" not in client.session
    return "".join(str(m) for m in response.context["messages"])


def test_another_reports_template_is_refused(people, client, report):
    other = make_report(people, year=2024)
    message = refused(client, report, report_workbook(other))
    assert f"上传的是“{other.title}”的统计表模板，不是本报告" in message


def test_another_formats_template_is_refused(people, client, report):
    old = make_report(people, year=2020)
    assert refused(client, report, report_workbook(old)).startswith(f"上传的是“{old.title}”的统计表模板")


def test_a_workbook_that_is_not_a_template_is_refused(client, report):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert "不是本报告的统计表模板" in refused(client, report, buffer.getvalue())


def test_a_changed_layout_is_refused(client, report):
    def insert_row(workbook):
        workbook["三、收到和处理政府信息公开申请情况"].insert_rows(8)

    message = refused(client, report, fill(report_workbook(report), {}, edit=insert_row))
    assert "工作表“三、收到和处理政府信息公开申请情况”的表格被改动了" in message
    assert "请勿增删行列或修改表头" in message


def test_a_renamed_sheet_is_refused(client, report):
    def rename(workbook):
        workbook["四、政府信息公开行政复议、行政诉讼情况"].title = "复议诉讼"

    assert "找不到工作表“四、政府信息公开行政复议、行政诉讼情况”" in refused(
        client, report, fill(report_workbook(report), {}, edit=rename))


def test_a_changed_header_is_refused(client, report):
    def relabel(workbook):
        sheet = workbook["二、主动公开政府信息情况"]
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "行政许可":
                    cell.value = "行政审批"

    assert "应为“行政许可”，现为“行政审批”" in refused(client, report, fill(report_workbook(report), {}, edit=relabel))


def test_text_in_a_number_cell_is_shown_and_cannot_be_confirmed(client, report):
    before = ReportContent.of(report).values
    content = fill(report_workbook(report), {"s2.t6.r1.c1": "一百", "s4.c1": 1.5, "s4.c2": 9})
    client.post(f"/reports/{report.pk}/excel/upload/", {"file": SimpleUploadedFile("a.xlsx", content)})
    page = client.get(f"/reports/{report.pk}/excel/preview/").content.decode()
    assert "有 2 个单元格无法识别为数字" in page and "请输入整数" in page and "一百" in page
    assert "确认保存" not in page
    response = client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "confirm"}, follow=True)
    assert "无法识别" in response.content.decode() and "没有保存任何内容" in response.content.decode()
    assert ReportContent.of(report).values == before


@pytest.mark.parametrize("content", [
    b"this is not a spreadsheet",
    b"PK\x03\x04" + b"\x00" * 200,
])
def test_a_corrupt_file_is_refused(client, report, content):
    assert "无法读取该文件：文件已损坏或不是 .xlsx 格式" in refused(client, report, content)


def test_a_truncated_workbook_is_refused(client, report):
    content = report_workbook(report)
    assert "无法读取该文件" in refused(client, report, content[: len(content) // 2])


def test_an_old_xls_or_encrypted_file_is_refused(client, report):
    assert "旧版 .xls 文件或设置了打开密码" in refused(client, report, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_an_empty_file_is_refused(client, report):
    assert refused(client, report, b"") == "上传的文件是空的。"


def test_an_oversized_file_is_refused(client, report):
    assert "文件过大（不能超过 2 MB）" in refused(client, report, b"PK" + b"\0" * MAX_UPLOAD_BYTES)


def test_a_zip_bomb_is_refused_before_it_is_opened(client, report):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_UPLOAD_BYTES
    assert "文件解压后过大" in refused(client, report, buffer.getvalue())


def test_a_zip_that_lies_about_its_sizes_is_refused(client, report):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (32 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    # Declare 1 KB instead of 32 MB in both the local header and the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        data[at + offset:at + offset + 4] = (1024).to_bytes(4, "little")
    message = refused(client, report, bytes(data))
    assert "文件解压后过大" in message or "无法读取该文件" in message


def test_an_xml_entity_bomb_is_refused(client, report):
    buffer = io.BytesIO()
    with zipfile.ZipFile(report_workbook_io(report)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                data = b'<!DOCTYPE lol [<!ENTITY lol "lol">]>' + data
            target.writestr(item, data)
    assert "无法读取该文件" in refused(client, report, buffer.getvalue())


def report_workbook_io(report):
    return io.BytesIO(report_workbook(report))


def test_a_save_between_preview_and_confirmation_is_a_conflict(people, client, report):
    content = fill(report_workbook(report), {"s4.c1": 11})
    client.post(f"/reports/{report.pk}/excel/upload/", {"file": SimpleUploadedFile("a.xlsx", content)})
    section = ReportSection.objects.get(report=report, key="s4")
    cells = {k: str(v) for k, v in section.values.items()}
    cells["s4.c2"] = "6"
    report_section_save(report=report, key="s4", cells=cells, texts=section.texts,
                        base_version=section.version, by=people.filler)
    page = client.get(f"/reports/{report.pk}/excel/preview/").content.decode()
    assert "上传之后本报告已被修改" in page and "确认保存" not in page
    response = client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "confirm"}, follow=True)
    assert "没有保存" in response.content.decode() and "请重新上传统计表" in response.content.decode()
    assert ReportContent.of(report).values["s4.c1"] != 11
    assert ReportContent.of(report).values["s4.c2"] == 6


def test_a_pending_upload_expires(client, report, monkeypatch):
    content = fill(report_workbook(report), {"s4.c1": 11})
    client.post(f"/reports/{report.pk}/excel/upload/", {"file": SimpleUploadedFile("a.xlsx", content)})
    session = client.session
    session[f"excel_upload:{report.pk}"]["at"] -= 31 * 60
    session.save()
    response = client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "confirm"}, follow=True)
    assert "没有待确认的上传（或已超过 30 分钟）" in response.content.decode()
    assert ReportContent.of(report).values["s4.c1"] != 11

