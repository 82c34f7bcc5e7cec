"""审核表 (保密审查 at each approval): the points on the approval form, their record, and the PDF of
each published version for the body's people and the district — never for anyone else."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pyquery import PyQuery

from agencies import demo as agencies_demo
from agencies.models import Role, User
from reports import demo as reports_demo
from reports.errors import ReportError
from reports.models import ReportEvent, ReportStatus
from reports.publishing import demo as publishing_demo
from reports.publishing.services import report_reopen
from reports.publishing.tasks import publish
from reports.review.auditform import _points, audit_form, audit_form_pdf, audit_form_versions
from reports.review.secrecy import ALL_POINTS, POINTS
from reports.review.services import report_approve, report_submit
from tests.factories import DistrictFactory, RoleAssignmentFactory
from tests.publishing.helpers import pdftotext, squeeze
from tests.report_factories import AnnualReportFactory

E = ReportEvent.Kind
S = ReportStatus
pytestmark = pytest.mark.django_db


def when(event) -> str:
    return timezone.localtime(event.created_at).strftime("%Y年%-m月%-d日 %H:%M")


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "audit.pdf"
    path.write_bytes(content)
    return squeeze(pdftotext(path))


def approve_both(report, people, head="数据已核对，同意公开。", director="经保密审查，同意公开。"):
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment=head, confirmed=ALL_POINTS)
    report_approve(report=report, by=people.director, comment=director, confirmed=ALL_POINTS)


@pytest.fixture
def published(people, report):
    approve_both(report, people)
    assert publish(report.pk) == "published"
    report.refresh_from_db()
    return report


def test_every_point_and_an_opinion_are_required_and_kept_on_the_approval(report, people):
    report_submit(report=report, by=people.filler)
    with pytest.raises(ReportError, match="不涉及国家秘密") as refused:
        report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS[1:])
    assert "与此前已公开的信息一致" not in refused.value.message  # names only the points missing
    with pytest.raises(ReportError, match="请填写审核意见"):
        report_approve(report=report, by=people.head, comment="  ", confirmed=ALL_POINTS)
    report.refresh_from_db()
    assert report.status == S.PENDING_HEAD and not report.events.filter(kind=E.APPROVED_HEAD).exists()

    report_approve(report=report, by=people.head, comment="同意。", confirmed=list(reversed(ALL_POINTS)))
    event = report.events.get(kind=E.APPROVED_HEAD)
    assert event.comment == "同意。"
    assert event.data["secrecy"] == [{"key": p.key, "label": p.label} for p in POINTS]


def test_the_form_refuses_a_missing_point_and_keeps_what_was_typed(client, report, people):
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    response = client.post(reverse("review:approve", args=[report.pk]), {
        "expected_status": S.PENDING_HEAD, "comment": "数据已核对。", "points": list(ALL_POINTS[:2])})
    assert response.status_code == 400
    page = PyQuery(response.content.decode())
    assert "尚未确认" in page(".messages").text() and "不含内部事务信息、过程性信息" in page("#secrecy-error").text()
    assert page("#secrecy-points input:checked").map(lambda i, e: e.get("value")) == list(ALL_POINTS[:2])
    assert page("form[aria-label=审核通过] textarea[name=comment]").text() == "数据已核对。"
    report.refresh_from_db()
    assert report.status == S.PENDING_HEAD

    response = client.post(reverse("review:approve", args=[report.pk]), {
        "expected_status": S.PENDING_HEAD, "comment": "", "points": list(ALL_POINTS)})
    assert response.status_code == 400 and "请填写审核意见" in response.content.decode()
    assert PyQuery(response.content.decode())("#secrecy-points input:checked").length == len(POINTS)


def test_in_place_the_form_alone_comes_back_with_what_was_typed(client, report, people):
    """Posted by htmx: only the 审核通过 form is answered (the return form beside it, maybe half written,
    is not replaced), with the error by the points and the message out of band; nothing changes."""
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)
    response = client.post(reverse("review:approve", args=[report.pk]), {
        "expected_status": S.PENDING_HEAD, "comment": "数据已核对。", "points": list(ALL_POINTS[:2])},
        headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Retarget" not in response
    page = PyQuery(response.content.decode())
    assert page("form#approve-form").length == 1 and page("#return-form").length == 0 and page("nav").length == 0
    assert "尚未确认" in page("#messages[hx-swap-oob=true]").text()
    assert "不含内部事务信息、过程性信息" in page("#secrecy-error").text()
    assert page("#secrecy-points input:checked").map(lambda i, e: e.get("value")) == list(ALL_POINTS[:2])
    assert page("textarea[name=comment]").text() == "数据已核对。"
    report.refresh_from_db()
    assert report.status == S.PENDING_HEAD


def test_the_audit_form_of_each_version_holds_its_own_approvals(published, people, tmp_path):
    head_event = published.events.get(kind=E.APPROVED_HEAD)
    director_event = published.events.get(kind=E.APPROVED_DIRECTOR)
    form = audit_form(published, 1)
    assert [level.reviewer for level in form.levels] == [people.head.display_name, people.director.display_name]

    # 更正: version 2 goes through both levels again with other opinions.
    report_reopen(report=published, by=people.admin, reason="更正一处笔误。")
    approve_both(published, people, head="更正后再次核对，同意。", director="更正后同意公开。")
    assert publish(published.pk) == "published"
    assert audit_form_versions(published) == [1, 2]

    first = pdf_text(audit_form_pdf(audit_form(published, 1)), tmp_path)
    assert "数据已核对，同意公开。" in first and "更正后再次核对" not in first
    assert squeeze(when(head_event)) in first and squeeze(when(director_event)) in first
    assert people.head.display_name in first and people.director.display_name in first
    second = pdf_text(audit_form_pdf(audit_form(published, 2)), tmp_path)
    assert "更正后再次核对，同意。" in second and "更正后同意公开。" in second and "数据已核对" not in second
    assert "第2版" in second and "更正一处笔误。" in second


def test_an_approval_recorded_without_points_prints_them_unconfirmed():
    """Approvals made before the 保密审查 was recorded (or by a seed that skipped it) do not claim it."""
    bare = ReportEvent(kind=E.APPROVED_HEAD, data={"level": "head"})
    assert [(row.label, row.confirmed) for row in _points(bare)] == [(p.label, False) for p in POINTS]


def test_imported_history_and_unpublished_versions_have_no_audit_form(client, people, report):
    imported = AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                                   reporting_year__year=2019, published=True, imported=True)
    client.force_login(people.admin)
    assert audit_form_versions(imported) == []
    assert client.get(reverse("review:audit_form", args=[imported.pk, 1])).status_code == 404
    assert client.get(reverse("review:audit_form", args=[report.pk, 1])).status_code == 404  # a draft


def _cast(people):
    other_district = DistrictFactory(code="110102", name="北京市西城区")
    return {
        "filler": people.filler, "head": people.head, "director": people.director, "admin": people.admin,
        "other_body": people.other_filler,
        "other_district_admin": RoleAssignmentFactory(district_admin=True, district=other_district).user,
        "other_body_head": RoleAssignmentFactory(role=Role.DEPT_HEAD, body=people.other_body).user,
    }


ALLOWED = {"filler", "head", "director", "admin"}


def test_who_sees_the_audit_form(client, published, people, tmp_path):
    """The body's people and the district's administrators: the link and the PDF. Another body's
    people and another district's administrators: 404; anonymous: the login page; the portal: nothing."""
    url = reverse("review:audit_form", args=[published.pk, 1])
    overview = reverse("reports:overview", args=[published.pk])
    for role, user in _cast(people).items():
        client.force_login(user)
        response = client.get(url)
        if role in ALLOWED:
            assert response.status_code == 200, role
            assert response["Content-Type"] == "application/pdf"
            assert "no-store" in response["Cache-Control"]  # never kept by a shared cache
            assert PyQuery(client.get(overview).content.decode())("#audit-form-links a").attr("href") == url, role
            review_page = PyQuery(client.get(reverse("review:report", args=[published.pk])).content.decode())
            assert review_page("#audit-form-links a").attr("href") == url, role
        else:
            assert response.status_code == 404, role
        client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    portal = client.get(reverse("portal:report", args=[published.pk])).content.decode()
    assert "audit-form" not in portal and "审核表" not in portal


def test_the_timeline_shows_the_points_confirmed(client, published, people):
    client.force_login(people.filler)
    page = PyQuery(client.get(reverse("reports:overview", args=[published.pk])).content.decode())
    row = page("#timeline-table tr[data-kind=approved_director]")
    assert "保密审查已确认" in row.text() and POINTS[0].label in row.text() and "经保密审查，同意公开。" in row.text()


@time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_demo_published_reports_have_their_audit_form(monkeypatch, tmp_path):
    """The demo's last season is approved with its 保密审查, so every published report has a 审核表
    (one report published here: each render takes seconds)."""
    agencies_demo.seed()
    reports_demo.seed()
    season = publishing_demo.reports_to_publish()
    first = season.order_by("body__sort_order").first()
    monkeypatch.setattr(publishing_demo, "reports_to_publish", lambda: season.filter(pk=first.pk))
    publishing_demo.seed()
    first.refresh_from_db()
    assert first.status == S.PUBLISHED and audit_form_versions(first) == [1]
    form = audit_form(first, 1)
    assert [level.role for level in form.levels] == ["部门负责人", "主管主任"]
    assert all(level.all_confirmed and level.opinion for level in form.levels)
    assert [level.reviewer for level in form.levels] == [
        User.objects.get(username=f"{first.body.code}.{role}").display_name for role in ("head", "director")]
    text = pdf_text(audit_form_pdf(form), tmp_path)
    assert "经保密审查，同意公开。" in text and f"{POINTS[1].label}：已确认" in text


def test_the_director_sees_what_level_one_confirmed(client, report, people):
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="数据已核对，同意。", confirmed=ALL_POINTS)
    client.force_login(people.director)
    page = PyQuery(client.get(reverse("review:report", args=[report.pk])).content.decode())
    level_one = page("#level-one").text()
    assert people.head.display_name in level_one and "数据已核对，同意。" in level_one
    assert all(point.label in level_one for point in POINTS)
    response = client.post(reverse("review:approve", args=[report.pk]), {
        "expected_status": S.PENDING_DIRECTOR, "comment": "同意。", "points": [*ALL_POINTS, "no-such-point"]})
    assert response.status_code == 400 and "请只勾选列出的保密审查要点" in response.content.decode()
