"""The review's pages: the submit panel and its list of problems, stale forms, inboxes, notices,
the timeline on the overview, and its CSV/XLSX export."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pyquery import PyQuery

from reports.models import ReportSection, ReportStatus
from reports.review.models import Notification
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve, report_return, report_submit
from tests.review.conftest import CELL, save_cell

pytestmark = pytest.mark.django_db
S = ReportStatus


def page(response):
    return PyQuery(response.content.decode())


def test_submission_blocked_lists_what_to_fix_with_links(client, report, people):
    section = ReportSection.objects.get(report=report, key="s1")
    section.texts = {**section.texts, "s1.p1": "  "}
    section.save()
    client.force_login(people.filler)
    response = client.post(reverse("review:submit", args=[report.pk]), {"expected_status": S.DRAFT},
                           follow=True)
    doc = page(response)
    assert "报告还有 1 个问题需要处理，暂不能提交" in doc(".messages").text()
    links = [(a.text, a.get("href")) for a in doc("#submit-problems a")]
    assert links == [("一、总体情况", reverse("reports:section", args=[report.pk, "s1"]))]
    assert "尚有 1 项未填写" in doc("#submit-problems").text()
    report.refresh_from_db()
    assert report.status == S.DRAFT


def test_submit_from_the_overview_and_the_timeline_shows_it(client, report, people):
    client.force_login(people.filler)
    overview = page(client.get(reverse("reports:overview", args=[report.pk])))
    assert overview("#review-panel button").text() == "提交审核"
    response = client.post(reverse("review:submit", args=[report.pk]), {"expected_status": S.DRAFT},
                           follow=True)
    doc = page(response)
    assert "报告已提交" in doc(".messages").text()
    assert doc("#report-status").text() == "待部门负责人审核"
    rows = doc("#timeline-table tbody tr")
    assert [PyQuery(r).attr("data-kind") for r in rows] == ["submitted"]
    assert people.filler.display_name in PyQuery(rows[-1]).text() and "127.0.0.1" in PyQuery(rows[-1]).text()
    assert doc("#review-panel").text().count("撤回提交") == 1
    assert not doc("#timeline a[href$='timeline.csv']")  # only district admins export


def test_a_stale_page_is_refused_with_a_message(client, report, people):
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    client.force_login(people.filler)
    response = client.post(reverse("review:withdraw", args=[report.pk]), {"expected_status": S.PENDING_HEAD},
                           follow=True)
    message = page(response)(".messages").text()
    assert "操作未执行" in message and people.head.display_name in message and "待主管主任审核" in message
    report.refresh_from_db()
    assert report.status == S.PENDING_DIRECTOR and not report.events.filter(kind="withdrawn").exists()


def test_return_without_reason_keeps_the_comments_typed(client, report, people):
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    response = client.post(reverse("review:return", args=[report.pk]), {
        "expected_status": S.PENDING_HEAD, "reason": "", "comment_target_0": CELL, "comment_text_0": "请核实"})
    assert response.status_code == 400
    doc = page(response)
    assert "退回修改须写明退回理由" in doc(".messages").text()
    assert doc("#comment-text-0").text() == "请核实" and doc("#comment-target-0 option[selected]").val() == CELL
    report.refresh_from_db()
    assert report.status == S.PENDING_HEAD


def test_inbox_and_review_page(client, report, people):
    report.explanations = {"x": "说明"}
    report.save()
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    inbox = page(client.get(reverse("review:inbox")))
    row = inbox(f"#inbox tr[data-report='{report.pk}']")
    assert people.body.name in row.text() and "2026年1月31日" in row.text() and "不到 1 天" in row.text()
    assert "待办（1）" in inbox("#main-nav").text()
    review = page(client.get(reverse("review:report", args=[report.pk])))
    assert review("#review-document #report-title").text() == report.title
    assert review("#review-actions button").filter(lambda i, e: PyQuery(e).text() == "审核通过")
    assert len(review("#comment-rows select")) == 3
    # The director has nothing to do yet, and sees why.
    client.force_login(people.director)
    assert page(client.get(reverse("review:inbox")))("#inbox-empty")
    refusal = page(client.get(reverse("review:report", args=[report.pk])))("#review-refusal").text()
    assert refusal == "这一级审核由本单位的部门负责人进行，您不能审核通过。"


def test_notices_page_counts_unread_and_opening_marks_read(client, report, people):
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    doc = page(client.get(reverse("review:notifications")))
    assert "通知（1）" in doc("#main-nav").text()
    link = doc("#notices a")
    assert "待您审核" in link.text()
    response = client.get(link.attr("href"))
    assert response["Location"] == reverse("review:report", args=[report.pk])
    assert not Notification.objects.filter(recipient=people.head, read_at__isnull=True).exists()
    assert "通知（" not in page(client.get(reverse("review:notifications")))("#main-nav").text()


def test_redline_on_the_review_page(client, report, people):
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    report_return(report=report, by=people.director, reason="核实", comments=[{"target": CELL, "text": "不一致"}])
    save_cell(report, people.filler, CELL, "42")
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    doc = page(client.get(reverse("review:report", args=[report.pk])))
    row = doc(f"#redline-cells tr[data-cell='{CELL}']")
    assert row("ins").text() == "42" and "不一致" in row.text() and "行政许可" in row.text()


@pytest.fixture
def story(report, people):
    report_submit(report=report, by=people.filler)
    report_return(report=report, by=people.head, reason="数据有误", comments=[{"target": CELL, "text": "请核实"}])
    save_cell(report, people.filler, CELL, "8")
    return report


def test_timeline_export_csv(client, story, people):
    client.force_login(people.admin)
    overview = page(client.get(reverse("reports:overview", args=[story.pk])))
    assert overview("#timeline a[href$='timeline.csv']") and overview("#timeline a[href$='timeline.xlsx']")
    response = client.get(reverse("review:timeline_csv", args=[story.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["时间", "事件", "操作人", "原状态", "新状态", "说明", "详情", "IP 地址"]
    assert [r[1] for r in rows[1:]] == ["提交审核", "退回修改", "保存"]
    returned = rows[2]
    assert returned[2] == people.head.display_name and returned[3:6] == ["待部门负责人审核", "退回修改", "数据有误"]
    assert "意见（第二十条第（五）项·行政许可·本年处理决定数量）：请核实" in returned[6]
    assert "→ 8" in rows[3][6]


def test_timeline_export_xlsx(client, story, people):
    client.force_login(people.admin)
    response = client.get(reverse("review:timeline_xlsx", args=[story.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == story.title
    assert values[1][:3] == ["时间", "事件", "操作人"]
    assert [r[1] for r in values[2:]] == ["提交审核", "退回修改", "保存"]
    assert values[3][5] == "数据有误"


@pytest.mark.parametrize("role", ["filler", "head", "director", "other_filler"])
def test_only_district_admins_export(client, story, people, role):
    client.force_login(getattr(people, role))
    response = client.get(reverse("review:timeline_csv", args=[story.pk]))
    assert response.status_code == (404 if role == "other_filler" else 403)


@pytest.mark.parametrize("role", ["filler", "head", "director", "admin"])
def test_everyone_who_may_see_the_report_sees_its_timeline(client, story, people, role):
    client.force_login(getattr(people, role))
    doc = page(client.get(reverse("reports:overview", args=[story.pk])))
    assert len(doc("#timeline-table tbody tr")) == 3
    assert "数据有误" in doc("#timeline-table").text()


def test_a_comment_without_a_place_is_refused_and_kept(client, report, people):
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    response = client.post(reverse("review:return", args=[report.pk]), {
        "expected_status": S.PENDING_HEAD, "reason": "请修改", "comment_target_0": CELL, "comment_text_0": "甲",
        "comment_target_1": "", "comment_text_1": "乙"})
    assert response.status_code == 400
    doc = page(response)
    assert "第 2 条意见没有选择针对的位置" in doc(".messages").text()
    assert doc("#comment-text-1").text() == "乙" and doc("textarea[name=reason]").text() == "请修改"
    report.refresh_from_db()
    assert report.status == S.PENDING_HEAD
