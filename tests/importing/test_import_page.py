"""导入历史报告 through the page, as the district administrator does it: upload a PDF or a ZIP, watch
it being read by the real worker, check the parse beside the page image, choose the body, type in
the cells that could not be read, confirm; nothing is stored before. Every role's access."""

import io
import os
import time
import zipfile

import pytest
from django.test import Client
from playwright.sync_api import expect

from reports.models import AnnualReport
from reports.publishing.models import ReportPdf
from reports.selectors import ReportContent

from . import material
from .test_shapes import HUAIAN, huaian_truth

pytestmark = [pytest.mark.skipif(not HUAIAN.is_file(), reason="no ../shared")]


@pytest.fixture
def shared_media(settings):
    """The worker writes where the environment says (tests/services.py); the pages read from there."""
    settings.MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]


def _open_import_page(page, login, people):
    login(page, people.admin)
    page.get_by_role("link", name="导入历史报告").click()
    expect(page.get_by_role("heading", name="导入历史报告")).to_be_visible()


def _wait_until_read(page):
    expect(page.locator("#import-progress")).to_contain_text("已读取全部", timeout=90_000)


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_admin_imports_a_published_pdf_through_the_page(page, login, people, live_server,
                                                            celery_worker_process, shared_media):
    _open_import_page(page, login, people)
    page.get_by_label("报告文件或 ZIP").set_input_files(str(HUAIAN))
    page.get_by_role("button", name="上传并读取").click()
    _wait_until_read(page)
    row = page.locator("#entry-0")
    expect(row).to_contain_text("淮安市人民政府")
    expect(row).to_contain_text("全部 200 个单元格已读取")
    assert not AnnualReport.objects.exists()  # nothing stored before the confirmation
    row.get_by_role("link", name="核对并导入").click()
    # The source beside the parse: the pages with the tables, outlined, rendered on the server.
    images = page.locator("#source-pages img")
    expect(images).to_have_count(3)
    page.wait_for_function("() => { const i = document.querySelector('#source-pages img');"
                           " return i.complete && i.naturalWidth > 500; }", timeout=30_000)
    expect(page.locator("#cell-s3\\.R1\\.G")).to_have_text("3119")
    expect(page.locator("#import-year")).to_have_value("2024")
    page.get_by_label("单位").select_option(label=people.body.name)
    page.get_by_label("原发布日期").fill("2025-02-25")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#entry-0")).to_contain_text("已导入")
    report = AnnualReport.objects.get(body=people.body, reporting_year__year=2024)
    assert report.imported and str(report.published_on) == "2025-02-25"
    assert ReportContent.of(report).values == huaian_truth()
    # The portal shows the original date, not the day of the import, whether the worker has made
    # the imported report's PDF yet or not (it renders it once after the import commits).
    note = "本报告为导入的历史报告，内容据原发布文本整理，2025年2月25日发布。"
    page.goto(f"{live_server.url}/portal/reports/{report.pk}/")
    expect(page.locator("#imported-note")).to_have_text(note)
    deadline = time.monotonic() + 90
    while not ReportPdf.objects.filter(report=report, status=ReportPdf.Status.DONE).exists():
        assert time.monotonic() < deadline, "the worker made no PDF of the imported report"
        time.sleep(0.5)
    page.reload()
    expect(page.locator("#pdf-download")).to_be_visible()
    expect(page.locator("#downloads-heading + p")).to_contain_text("2025年2月25日发布")
    expect(page.locator("#imported-note")).to_have_text(note)


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_unread_cells_are_typed_in_from_the_source_then_confirmed(page, login, people, live_server,
                                                                  celery_worker_process, shared_media, tmp_path):
    report = material.make_report(25, money_shapes=False)
    text = material.text_shape(report, "paragraphs")  # a CMS copy: some rows cannot be placed for certain
    archive = tmp_path / "栏目.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("东花市2024.txt", text)
        zf.writestr("旧文件.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    _open_import_page(page, login, people)
    page.get_by_label("报告文件或 ZIP").set_input_files(str(archive))
    page.get_by_role("button", name="上传并读取").click()
    _wait_until_read(page)
    expect(page.locator("#import-entries")).to_contain_text("无法读取：")
    expect(page.locator("#import-entries")).to_contain_text(".docx")
    page.get_by_role("link", name="核对并导入").click()
    expect(page.locator("#source-text")).to_contain_text(report.body)
    unread = page.locator("td.table-warning input")
    count = unread.count()
    assert count > 0
    page.get_by_label("单位").select_option(label=people.body.name)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text(f"还有 {count} 个单元格未填写")
    assert not AnnualReport.objects.exists()
    for index in range(count):
        field = unread.nth(index)
        cell_id = field.get_attribute("name")
        field.fill(str(report.values[cell_id]))
    field.fill("约5")  # a slip is refused with the cell's label, and nothing is lost
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("约5")
    field = page.locator("td.table-warning input").nth(count - 1)
    field.fill(str(report.values[field.get_attribute("name")]))
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text("已导入：")
    expect(page.locator("#entry-0")).to_contain_text("已导入")
    stored = AnnualReport.objects.get(body=people.body, reporting_year__year=report.year)
    assert ReportContent.of(stored).values == report.values
    assert stored.published_on == report.published_on  # printed under the report


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_admin_gives_an_upload_up_with_the_pages_button(page, login, people, live_server,
                                                             celery_worker_process, shared_media):
    _open_import_page(page, login, people)
    page.get_by_label("报告文件或 ZIP").set_input_files(
        {"name": "旧年报.txt", "mimeType": "text/plain", "buffer": "这不是一份年度报告。".encode()})
    page.get_by_role("button", name="上传并读取").click()
    _wait_until_read(page)  # the worker is done with it before it is given up
    expect(page.locator("#entry-0")).to_contain_text("旧年报.txt")
    batch_url = page.url
    page.get_by_role("button", name="放弃这次上传").click()
    expect(page.locator(".messages")).to_contain_text("已放弃这次上传，未导入的文件已删除。")
    expect(page.get_by_role("heading", name="导入历史报告")).to_be_visible()
    assert page.goto(batch_url).status == 404  # its files are gone
    assert not AnnualReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "filler", "head", "director", "other_filler", "admin"])
def test_every_role_may_or_may_not_reach_the_import_page(people, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(people, role))
    response = client.get("/importing/")
    expected = {"anonymous": 302, "admin": 200}.get(role, 403)
    assert response.status_code == expected
    if role == "admin":
        assert "导入历史报告" in response.content.decode()


@pytest.mark.django_db
def test_another_admins_upload_is_not_found_and_others_are_refused(people, settings, tmp_path):
    from reports.importing import batch

    settings.MEDIA_ROOT = tmp_path
    batch_id = batch.batch_create(name="r.txt", data="报告".encode(), user_id=people.admin.pk,
                                  district_id=people.district.pk)
    filler = Client()
    filler.force_login(people.filler)
    for url in (f"/importing/{batch_id}/", f"/importing/{batch_id}/0/", f"/importing/{batch_id}/0/page-1.png"):
        assert filler.get(url).status_code == 403
    admin = Client()
    admin.force_login(people.admin)
    assert admin.get(f"/importing/{batch_id}/").status_code == 200
    assert admin.get("/importing/nonexistent/").status_code == 404
    assert admin.post(f"/importing/{batch_id}/discard/").status_code == 302
    assert admin.get(f"/importing/{batch_id}/").status_code == 404


@pytest.mark.django_db
def test_an_upload_too_many_entries_is_refused_with_a_message(people, settings, tmp_path):
    from reports.importing import batch

    settings.MEDIA_ROOT = tmp_path
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for n in range(batch.MAX_ENTRIES + 1):
            zf.writestr(f"{n}.txt", "x")
    with pytest.raises(batch.BatchError) as raised:
        batch.batch_create(name="many.zip", data=data.getvalue(), user_id=people.admin.pk,
                           district_id=people.district.pk)
    assert "最多" in raised.value.message
