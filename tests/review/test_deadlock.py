"""Recusal deadlock: the only 部门负责人 edited the report, so nobody may review it. The review page and
the board say why; the district administrator hands the review to another reviewer of the
district (指定审核人, recorded on the timeline), who finds it in 待办 and reviews it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pyquery import PyQuery

from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.review.secrecy import ALL_POINTS
from reports.review.selectors import inbox_count, review_deadlock, review_deadlocks, reviewer_candidates
from reports.review.services import report_approve, report_reviewer_assign, report_submit
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory
from tests.review.conftest import CELL, approve_on_page, save_cell

S = ReportStatus
E = ReportEvent.Kind


@pytest.fixture
def stuck(people):
    """people.head is also a filler of the body and edited the report; the filler submitted it."""
    RoleAssignmentFactory(user=people.head, role="filler", body=people.body)
    other_head = RoleAssignmentFactory(user__username="t.otherhead", user__full_name="李审核", role="dept_head",
                                       body=people.other_body).user
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.body, filled=True)
    save_cell(report, people.head, CELL, "12")
    report_submit(report=report, by=people.filler)
    return report, other_head


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_deadlocked_review_is_explained_and_handed_to_another_reviewer(page, browser, live_server, people,
                                                                         login, stuck):
    report, other_head = stuck

    # The 部门负责人 sees why they cannot act, and that nobody else can.
    login(page, people.head)
    page.locator("nav.navbar").get_by_role("link", name="待办").click()
    expect(page.locator("#inbox")).to_contain_text("须回避")
    page.locator("#inbox").get_by_role("link", name="查看").click()
    expect(page.locator("#review-deadlock")).to_contain_text("均须回避")
    expect(page.locator("#review-deadlock")).to_contain_text("请区管理员指定其他审核人")
    expect(page.locator("#review-actions")).to_have_count(0)

    # The district administrator sees it on the board and hands the review on.
    admin = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    login(admin, people.admin)
    admin.get_by_role("link", name="进度").click()
    row = admin.locator("tr", has_text="东花市街道办事处")
    expect(row.locator(".stuck")).to_contain_text("均须回避")
    row.get_by_role("link", name="指定审核人").click()
    select = admin.get_by_label("指定审核人（本区未编辑过本报告的部门负责人、主管主任）")
    assert people.head.display_name not in select.inner_text()  # who edited it is not offered
    admin.get_by_role("button", name="指定审核人").click()  # nothing chosen: the browser asks for a choice
    assert select.evaluate("e => e.validity.valueMissing")
    select.select_option(label="李审核（天坛街道办事处·部门负责人）")
    admin.get_by_role("button", name="指定审核人").click()
    expect(admin.locator(".messages")).to_contain_text("已指定李审核（天坛街道办事处·部门负责人）进行部门负责人审核")
    expect(admin.locator("#review-deadlock")).to_have_count(0)
    expect(admin.locator("#timeline")).to_contain_text("指定审核人")
    event = ReportEvent.objects.get(report=report, kind=E.REVIEWER_ASSIGNED)
    assert event.actor == people.admin and event.data["reviewer"] == other_head.pk

    # The designated reviewer is told, finds it in 待办 and approves it.
    reviewer = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    login(reviewer, other_head)
    reviewer.locator("nav.navbar").get_by_role("link", name="待办（1）").click()
    row = reviewer.locator("#inbox tbody tr")
    expect(row).to_contain_text("区管理员指定")
    row.get_by_role("link", name="审核").click()
    approve_on_page(reviewer, "经保密审查，同意。")
    expect(reviewer.locator(".messages")).to_contain_text("部门负责人审核通过")
    expect(reviewer.locator("#report-status")).to_have_text("待主管主任审核")
    approved = report.events.get(kind=E.APPROVED_HEAD)
    assert approved.actor == other_head


# ---------------------------------------------------------------------------------------------
# Without the browser: who may hand it on, when, to whom


@pytest.mark.django_db
def test_only_the_district_administrator_of_a_deadlocked_review_may_hand_it_on(client, people, stuck):
    report, other_head = stuck
    url = reverse("review:assign_reviewer", args=[report.pk])
    data = {"reviewer": other_head.pk, "expected_status": S.PENDING_HEAD}
    for person in (people.filler, people.head, people.director, other_head):
        client.force_login(person)
        response = client.post(url, data, follow=True)
        assert response.status_code in (200, 404)
        assert not report.events.filter(kind=E.REVIEWER_ASSIGNED).exists(), person
    client.force_login(people.other_filler)
    assert client.post(url, data).status_code == 404  # another body's report does not exist for them
    client.force_login(people.admin)
    assert client.get(url).status_code == 405
    response = client.post(url, {**data, "reviewer": people.head.pk}, follow=True)
    assert "请从列表中选择审核人" in response.content.decode()  # who edited it cannot be chosen
    response = client.post(url, {**data, "reviewer": "x"}, follow=True)
    assert response.status_code == 200 and "请从列表中选择审核人" in response.content.decode()
    response = client.post(url, data, follow=True)
    assert "已指定李审核" in response.content.decode()
    assert report.events.filter(kind=E.REVIEWER_ASSIGNED).count() == 1
    # Once someone can review, there is nothing to hand on.
    response = client.post(url, data, follow=True)
    assert "不需要指定审核人" in response.content.decode()
    assert report.events.filter(kind=E.REVIEWER_ASSIGNED).count() == 1


@pytest.mark.django_db
def test_a_designation_holds_for_its_level_only(people, stuck):
    report, other_head = stuck
    assert review_deadlock(report).standing_aside == (people.head.display_name,)
    assert [pk for pk, _ in reviewer_candidates(report)] == [other_head.pk]  # not the head who edited it, nor the body's director (level two)
    assert inbox_count(other_head) == 0 and inbox_count(people.head) == 0  # the head stands aside
    report_reviewer_assign(report=report, by=people.admin, reviewer_id=other_head.pk)
    report = AnnualReport.objects.get(pk=report.pk)
    assert review_deadlock(report) is None and other_head.has_perm("review.approve_report", report)
    assert inbox_count(other_head) == 1 and inbox_count(people.head) == 0  # the badge of the one designated
    assert other_head.has_perm("reports.view_report", report)  # may read another body's report
    report_approve(report=report, by=other_head, comment="同意。", confirmed=ALL_POINTS)
    report = AnnualReport.objects.get(pk=report.pk)
    assert not other_head.has_perm("review.approve_report", report)  # level two is the director's
    assert people.director.has_perm("review.approve_report", report)
    assert review_deadlocks([(report.pk, report.status, report.body_id)]) == {}


@pytest.mark.django_db
def test_a_body_without_a_director_is_a_deadlock_too(people):
    year = ReportingYearFactory(district=people.district, year=2025)
    report = AnnualReportFactory(reporting_year=year, body=people.other_body, approved_l1=True)
    found = review_deadlock(report)
    assert found and "没有可以进行主管主任审核的主管主任" in found.message
    assert review_deadlocks([(report.pk, report.status, report.body_id)])[report.pk] == found


@pytest.mark.django_db
def test_the_board_shows_no_holder_for_a_published_report_and_the_stuck_ones(client, people, stuck):
    report, _ = stuck
    AnnualReportFactory(reporting_year=report.reporting_year, body=people.other_body, published=True)
    UserFactory()  # noise
    client.force_login(people.admin)
    page = PyQuery(client.get(reverse("district:board", args=[report.reporting_year_id])).content.decode())
    published = page("tr").filter(lambda i, tr: "天坛街道办事处" in PyQuery(tr).text() and "已发布" in PyQuery(tr).text())
    assert published and "区管理员" not in published.text() and "—" in published.text()
    stuck_row = page("tr").filter(lambda i, tr: "东花市街道办事处" in PyQuery(tr).text())
    assert "均须回避" in stuck_row(".stuck").text()
    assert stuck_row(".stuck a").attr("href") == reverse("review:report", args=[report.pk])


@pytest.mark.django_db
def test_the_reports_handed_to_a_reviewer_are_found_by_their_index_not_by_a_scan_of_every_save(people, stuck):
    """Every report a reviewer opens asks which reports were handed to them; the timeline holds every save
    ever recorded, the designations are a few rows (reports/models.py: report_event_designee)."""
    from django.db import connection

    from reports.selectors import reports_visible_to
    from reports.timeline import designated_report_ids

    report, other_head = stuck
    report_reviewer_assign(report=report, by=people.admin, reviewer_id=other_head.pk)
    assert list(reports_visible_to(other_head).filter(pk=report.pk)) == [report]
    sql, params = designated_report_ids(other_head).query.sql_with_params()
    with connection.cursor() as cursor:
        # The planner's sizes of the table and its indexes as they are now, not as earlier tests of the
        # same database left them (a run of the whole suite once chose another plan here).
        cursor.execute("ANALYZE reports_reportevent")
        cursor.execute("SET LOCAL enable_seqscan = off")  # on a handful of rows the planner would scan anyway
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "report_event_designee" in plan, plan


@pytest.mark.django_db
def test_every_page_of_a_report_reads_it_as_the_lists_do(people, stuck):
    """report_for (every page of one report) decides from the report it read what reports_visible_to (every
    list) asks the database: the same for each person, before and after a designation, for another
    district's administrator and for the administrators of the city and of another city."""
    from agencies.models import City, Role
    from reports.selectors import report_visible_to, reports_visible_to
    from tests.factories import BodyFactory, DistrictFactory

    report, other_head = stuck
    beijing = City.objects.create(code="110000", name="北京市")
    people.district.city = beijing
    people.district.save()
    district = DistrictFactory(code="110102", name="北京市西城区", city=beijing)
    elsewhere = AnnualReportFactory(reporting_year=ReportingYearFactory(district=district, year=2025),
                                    body=BodyFactory(district=district))
    other_admin = RoleAssignmentFactory(district_admin=True, district=elsewhere.body.district).user
    city_admin = RoleAssignmentFactory(user__username="city.admin", role=Role.CITY_ADMIN, body=None, city=beijing).user
    shanghai = City.objects.create(code="310000", name="上海市")
    other_city_admin = RoleAssignmentFactory(user__username="sh.admin", role=Role.CITY_ADMIN, body=None,
                                             city=shanghai).user
    people_now = [*people.by_role().values(), people.other_filler, other_head, other_admin, city_admin,
                  other_city_admin]

    def both(person, r):
        return report_visible_to(person, r), reports_visible_to(person).filter(pk=r.pk).exists()

    seen = {}
    for step in ("before", "designated"):
        if step == "designated":
            report_reviewer_assign(report=report, by=people.admin, reviewer_id=other_head.pk)
        for someone in people_now:
            person = type(someone).objects.get(pk=someone.pk)  # their roles read afresh
            for r in (report, elsewhere):
                one, listed = both(person, r)
                assert one == listed, (step, person.username, r.pk)
                seen[(step, person.username, r.pk)] = one
    assert not seen[("before", "t.otherhead", report.pk)] and seen[("designated", "t.otherhead", report.pk)]
    assert seen[("before", other_admin.username, elsewhere.pk)] and not seen[("before", "t.admin", elsewhere.pk)]
    assert seen[("before", "city.admin", report.pk)] and seen[("before", "city.admin", elsewhere.pk)]
    assert not seen[("before", "sh.admin", report.pk)] and not seen[("before", "sh.admin", elsewhere.pk)]


@pytest.mark.django_db
def test_whoever_may_approve_faces_no_deadlock_so_their_review_page_reads_no_holders(client, people, stuck,
                                                                                   monkeypatch):
    """The review page looks for a deadlock only for a viewer who may not approve (reports/review/views.py):
    one who may is a holder of the level, or its designee, who need not stand aside. Checked for every
    person at each level of a stuck report's review; then the page, counting the look-ups."""
    from reports.review import selectors as review_selectors

    report, other_head = stuck
    persons = [*people.by_role().values(), people.other_filler, other_head]

    def approvers(r):
        r = AnnualReport.objects.get(pk=r.pk)
        may = [p for p in persons if p.has_perm("review.approve_report", r)]
        if may:
            assert review_deadlock(r) is None, r.status
        return may, review_deadlock(r)

    assert approvers(report) == ([], review_deadlock(report))  # stuck: nobody may, and it says why
    assert review_deadlock(report) is not None
    report_reviewer_assign(report=report, by=people.admin, reviewer_id=other_head.pk)
    assert approvers(report)[0] == [other_head]
    report_approve(report=report, by=other_head, comment="同意。", confirmed=ALL_POINTS)
    assert approvers(report)[0] == [people.director]

    looked = []
    real = review_selectors.review_deadlock
    monkeypatch.setattr(review_selectors, "review_deadlock", lambda r: looked.append(r.pk) or real(r))
    url = reverse("review:report", args=[report.pk])
    client.force_login(people.director)
    page = PyQuery(client.get(url).content.decode())
    assert page("#review-actions button").filter(lambda i, b: PyQuery(b).text() == "审核通过")
    assert not page("#review-deadlock") and looked == []
    client.force_login(people.admin)  # may not approve: the page looks, and finds none
    page = PyQuery(client.get(url).content.decode())
    assert not page("#review-actions") and not page("#review-deadlock") and looked == [report.pk]
