"""审核表 in Chromium with the real Celery worker: the 部门负责人 and the 主管主任 confirm the 保密审查
points and write their opinions on the review page's own form (a missing point is refused with a
message, nothing typed is lost); the worker publishes the report; the 审核表 linked from the report's
page holds both levels' names, opinions, times and the points confirmed."""

import os

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.review.secrecy import POINTS
from reports.review.services import report_submit
from tests.publishing.helpers import pdftotext, squeeze
from tests.publishing.workers import wait_until
from tests.review.conftest import approve_on_page

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
E = ReportEvent.Kind


@pytest.fixture(autouse=True)
def _media_shared_with_the_workers(settings):
    settings.MEDIA_ROOT = os.environ["DJANGO_MEDIA_ROOT"]


def _status(report):
    connection.close()  # see the worker's commits
    return AnnualReport.objects.get(pk=report.pk).status


def test_both_levels_confirm_the_points_and_the_audit_form_prints_them(
        page, browser, live_server, people, login, report, celery_worker_process, tmp_path):
    report_submit(report=report, by=people.filler)
    review_url = f"{live_server.url}/review/{report.pk}/"
    head = page
    director = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()

    # The 部门负责人 ticks two points only: refused, with the points missing named; nothing lost.
    login(head, people.head)
    head.goto(review_url)
    form = head.get_by_role("form", name="审核通过")
    form.get_by_label(POINTS[0].label).check()
    form.get_by_label(POINTS[1].label).check()
    form.get_by_label("审核意见").fill("数据已核对，经保密审查，同意公开。")
    form.get_by_role("button", name="审核通过").click()
    expect(head.locator(".messages")).to_contain_text("尚未确认")
    expect(head.locator("#secrecy-error")).to_contain_text(POINTS[2].label)
    expect(head.locator("#secrecy-error")).to_contain_text(POINTS[3].label)
    expect(head.locator("#report-status")).to_have_text("待部门负责人审核")
    form = head.get_by_role("form", name="审核通过")
    expect(form.get_by_label("审核意见")).to_have_value("数据已核对，经保密审查，同意公开。")
    expect(form.get_by_label(POINTS[0].label)).to_be_checked()
    expect(form.get_by_label(POINTS[2].label)).not_to_be_checked()
    approve_on_page(head, "数据已核对，经保密审查，同意公开。")
    expect(head.locator(".messages")).to_contain_text("部门负责人审核通过")

    # The 主管主任 approves the same way; the worker publishes.
    login(director, people.director)
    director.goto(review_url)
    approve_on_page(director, "经保密审查，同意在区政府门户网站公开。")
    expect(director.locator(".messages")).to_contain_text("主管主任审核通过")
    wait_until(lambda: _status(report) == ReportStatus.PUBLISHED, 120, "report published")

    # The 审核表 is linked from the report's page; its PDF holds both levels.
    director.goto(f"{live_server.url}/reports/{report.pk}/")
    link = director.locator("#audit-form-links").get_by_role("link", name="审核表")
    expect(link).to_be_visible()
    response = director.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "audit.pdf"
    path.write_bytes(response.body())
    text = squeeze(pdftotext(path))

    assert "政府信息公开申请与保密申请审核表" in text and squeeze(report.title) in text
    for kind, who, opinion in ((E.APPROVED_HEAD, people.head, "数据已核对，经保密审查，同意公开。"),
                               (E.APPROVED_DIRECTOR, people.director, "经保密审查，同意在区政府门户网站公开。")):
        event = report.events.get(kind=kind)
        assert event.actor == who
        assert squeeze(who.display_name) in text and opinion in text
        assert squeeze(timezone.localtime(event.created_at).strftime("%Y年%-m月%-d日%H:%M")) in text
    for point in POINTS:
        assert text.count(f"{point.label}：已确认") == 2  # at both levels
    assert "未确认" not in text
    assert "部门负责人审核" in text and "主管主任审核" in text

    # The filler (the body's people) sees it too; the portal's page does not.
    filler = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    login(filler, people.filler)
    filler.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(filler.locator("#audit-form-links").get_by_role("link", name="审核表")).to_be_visible()
    filler.goto(live_server.url + reverse("portal:report", args=[report.pk]))
    expect(filler.locator("body")).to_contain_text(report.title)
    expect(filler.get_by_role("link", name="审核表")).to_have_count(0)
