"""Who may download and upload: another body's report does not exist (404), reviewers may not upload
(403), and a report that is not editable refuses the upload, even half-way through."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.excel.template import report_workbook
from reports.models import ReportSection, ReportStatus
from reports.selectors import ReportContent

from .helpers import fill, make_report

pytestmark = pytest.mark.django_db

PAGES = ["excel/", "excel/upload/", "excel/preview/"]


def upload(client, report, content):
    return client.post(f"/reports/{report.pk}/excel/upload/", {"file": SimpleUploadedFile("a.xlsx", content)})


@pytest.mark.parametrize("page", PAGES + ["excel/confirm/"])
def test_another_bodys_report_is_not_found(people, client, page):
    report = make_report(people)
    client.force_login(people.other_filler)
    response = client.post(f"/reports/{report.pk}/{page}") if page.endswith("confirm/") else \
        client.get(f"/reports/{report.pk}/{page}")
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_login(people, client):
    report = make_report(people)
    response = client.get(f"/reports/{report.pk}/excel/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["head", "director", "admin"])
def test_reviewers_and_the_admin_may_download_but_not_upload(people, client, who):
    report = make_report(people)
    client.force_login(getattr(people, who))
    assert client.get(f"/reports/{report.pk}/excel/").status_code == 200
    assert client.get(f"/reports/{report.pk}/excel/upload/").status_code == 403
    assert upload(client, report, report_workbook(report)).status_code == 403
    assert client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "confirm"}).status_code == 403
    overview = client.get(f"/reports/{report.pk}/").content.decode()
    assert "/excel/upload/" not in overview and f"/reports/{report.pk}/excel/" in overview


def test_the_filler_sees_both_links_on_the_overview(people, client):
    report = make_report(people)
    client.force_login(people.filler)
    overview = client.get(f"/reports/{report.pk}/").content.decode()
    assert f"/reports/{report.pk}/excel/upload/" in overview and "上传填好的统计表" in overview


def test_a_submitted_report_refuses_the_upload(people, client):
    report = make_report(people, status=ReportStatus.PENDING_HEAD)
    client.force_login(people.filler)
    assert client.get(f"/reports/{report.pk}/excel/").status_code == 200
    response = client.get(f"/reports/{report.pk}/excel/upload/", follow=True)
    assert "报告当前状态为“待部门负责人审核”，不能上传统计表" in response.content.decode()
    before = ReportContent.of(report).values
    content = fill(report_workbook(report), {"s4.c1": 9})
    response = client.post(f"/reports/{report.pk}/excel/upload/",
                           {"file": SimpleUploadedFile("a.xlsx", content)}, follow=True)
    assert "不能上传统计表" in response.content.decode()
    assert ReportContent.of(report).values == before


def test_a_report_locked_between_preview_and_confirmation_is_not_changed(people, client):
    report = make_report(people)
    client.force_login(people.filler)
    upload(client, report, fill(report_workbook(report), {"s4.c1": 9}))
    versions = dict(ReportSection.objects.filter(report=report).values_list("key", "version"))
    type(report).objects.filter(pk=report.pk).update(status=ReportStatus.PENDING_HEAD)
    response = client.post(f"/reports/{report.pk}/excel/confirm/", {"action": "confirm"}, follow=True)
    assert "不能上传统计表" in response.content.decode()
    assert dict(ReportSection.objects.filter(report=report).values_list("key", "version")) == versions
    assert ReportContent.of(report).values["s4.c1"] != 9
