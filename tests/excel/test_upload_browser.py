"""The round trip as a filler does it in Chromium: download, fill, upload, preview, confirm."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.models import ReportEvent
from reports.selectors import ReportContent

from .helpers import fill, make_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_LABEL = "统计表文件（.xlsx，不超过 2 MB）"


def test_upload_preview_and_confirm_in_the_browser(page, live_server, people, login):
    report = make_report(people)
    before = ReportContent.of(report).values
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    with page.expect_download() as download:
        page.locator("#excel-links").get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.endswith("年度报告统计表.xlsx")
    content = fill(Path(download.value.path()).read_bytes(), {"s2.t6.r1.c1": 1472, "s4.c3": "2"})

    page.locator("#excel-links").get_by_role("link", name="上传填好的统计表").click()
    page.get_by_label(FILE_LABEL).set_input_files(
        files=[{"name": "统计表.xlsx", "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name="上传并预览").click()

    expect(page.get_by_role("heading", name="确认上传的统计表")).to_be_visible()
    row = page.locator('#excel-changes tr[data-cell="s2.t6.r1.c1"]')
    expect(row).to_contain_text("第二十条第（六）项·行政处罚·本年处理决定数量")
    expect(row.locator("td").nth(1)).to_have_text("1472")
    expect(page.locator('#excel-changes tr[data-cell="s4.c3"]')).to_contain_text("行政复议·其他结果")
    assert ReportContent.of(report).values == before  # nothing stored before the confirmation

    page.get_by_role("button", name="确认保存").click()
    expect(page.get_by_text("已按上传的统计表保存 2 个部分。")).to_be_visible()
    after = ReportContent.of(report).values
    assert after["s2.t6.r1.c1"] == 1472 and after["s4.c3"] == 2
    saves = ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SAVED, actor=people.filler)
    assert saves.count() == 2


def test_a_bad_file_is_explained_in_the_browser(page, live_server, people, login):
    report = make_report(people)
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/excel/upload/")
    page.get_by_label(FILE_LABEL).set_input_files(
        files=[{"name": "统计表.xlsx", "mimeType": XLSX, "buffer": b"not a workbook"}])
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator(".messages")).to_contain_text("无法读取该文件")
    expect(page.get_by_role("heading", name="上传填好的统计表")).to_be_visible()


def test_cancel_on_the_preview_stores_nothing(page, live_server, people, login):
    report = make_report(people)
    before = ReportContent.of(report).values
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    with page.expect_download() as download:
        page.locator("#excel-links").get_by_role("link", name="下载").click()
    content = fill(Path(download.value.path()).read_bytes(), {"s2.t6.r1.c1": 1472})
    page.locator("#excel-links").get_by_role("link", name="上传填好的统计表").click()
    page.get_by_label(FILE_LABEL).set_input_files(
        files=[{"name": "统计表.xlsx", "mimeType": XLSX, "buffer": content}])
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator('#excel-changes tr[data-cell="s2.t6.r1.c1"]')).to_contain_text("1472")

    page.get_by_role("button", name="取消").click()
    expect(page.locator(".messages")).to_contain_text("已取消，没有保存上传的统计表。")
    expect(page).to_have_url(f"{live_server.url}/reports/{report.pk}/")
    assert ReportContent.of(report).values == before
    assert not ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.SAVED).exists()
