"""The district government's own report (区政府年度报告): started from the summary of the published
reports — every cell prefilled, the texts drafted from the figures, the missing bodies listed — once;
left out of the bodies' summary, board, reminders and years; a later correction of a body's report
tells the administrators which summary cells it changed."""


from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from agencies import demo as agencies_demo
from agencies.models import AdminAction, Body, BodyKind, Role, RoleAssignment, User
from reports import demo as reports_demo
from reports.district_report.models import DistrictReport, SummaryChange
from reports.district_report.selectors import reviewers
from reports.district_report.services import district_report_start, summary_change_record
from reports.errors import ReportError
from reports.formats.cells import format_cell, from_json_value
from reports.models import AnnualReport, ReportingYear, ReportStatus
from reports.publishing import demo as publishing_demo
from reports.publishing.models import ReportPdf
from reports.publishing.snapshot import snapshot_of
from reports.review.models import Notification
from reports.selectors import ReportContent
from reports.services import reporting_year_open
from reports.summary.summary import district_summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(year_with_reports, people):
    return district_report_start(reporting_year=year_with_reports, by=people.admin)


def test_every_cell_is_prefilled_from_the_summary_of_the_published_reports(year_with_reports, started):
    summary = district_summary(year_with_reports)
    values = ReportContent.of(started.report).values
    assert len(summary.bodies) == 8
    assert summary.sums and values == summary.sums  # every cell, the 总计 included
    assert any(v for v in summary.sums.values())
    report = started.report
    assert report.body.kind == BodyKind.DISTRICT_GOVERNMENT and report.status == ReportStatus.DRAFT
    assert report.reporting_year == year_with_reports and report.carried_over == {}
    assert started.deadline.isoformat() == "2026-03-31"
    assert {c: from_json_value(report.format.cell(c).type, v) for c, v in started.prefill.items()} == summary.sums


def test_the_bodies_still_missing_are_listed_and_in_the_draft(year_with_reports, started):
    missing = {r.body_name for r in AnnualReport.objects.filter(reporting_year=year_with_reports)
               .exclude(status=ReportStatus.PUBLISHED).exclude(pk=started.report.pk)}
    assert len(missing) == 4 and set(started.missing) == missing
    texts = ReportContent.of(started.report).texts
    for name in missing:
        assert name in texts["s6.p0"] and name in texts["s2.note"]
    assert "共4个单位" in texts["s6.p0"] and "尚未发布2025年度报告" in texts["s6.p0"]


def test_the_text_draft_holds_the_key_numbers_and_the_change_on_last_year(year_with_reports, started):
    fmt = year_with_reports.format
    sums = district_summary(year_with_reports).sums
    last = district_summary(year_with_reports.district.reporting_years.get(year=2024)).sums
    texts = ReportContent.of(started.report).texts
    assert texts["s1.p1"].startswith("2025年，本报告统计数据由") and "8个单位" in texts["s1.p1"]
    received = "s3.R1.G"  # 一、本年新收政府信息公开申请数量·总计
    label = fmt.table("s3").row_label(fmt.cell(received).row)
    assert f"{label}{sums[received]}" in texts["s1.p2"]
    diff = sums[received] - last[received]
    change = "与上年持平" if diff == 0 else f"较上年{'增加' if diff > 0 else '减少'}{abs(diff)}"
    assert f"{label}{sums[received]}，{change}" in texts["s1.p2"]
    fee = "s2.t8.r1.c1"
    if sums[fee]:
        assert f"{format_cell(fmt.cell(fee).type, sums[fee])}万元" in texts["s1.p1"]
    assert "行政复议" in texts["s1.p2"]
    for part in fmt.text_parts():
        if part.required:
            assert texts.get(part.key), part.key  # nothing required is left empty


def test_the_prefilled_report_can_be_submitted_as_it_is(started, people):
    from reports.review.selectors import submission_problems

    assert submission_problems(started.report) == []


def test_starting_twice_is_refused_and_leaves_one_report(year_with_reports, started, people):
    with pytest.raises(ReportError, match="已经开始编制"):
        district_report_start(reporting_year=year_with_reports, by=people.admin)
    assert DistrictReport.objects.count() == 1
    assert AnnualReport.objects.filter(body__kind=BodyKind.DISTRICT_GOVERNMENT).count() == 1
    assert Body.objects.filter(kind=BodyKind.DISTRICT_GOVERNMENT).count() == 1


@pytest.mark.parametrize("role", ["filler", "head", "director", "other_filler", "foreign_admin"])
def test_only_an_administrator_of_the_district_starts_it(year_with_reports, people, role):
    from tests.factories import DistrictFactory, RoleAssignmentFactory

    user = (RoleAssignmentFactory(district_admin=True, district=DistrictFactory(code="110102", name="北京市西城区")).user
            if role == "foreign_admin" else getattr(people, role))
    with pytest.raises(ReportError, match="只有本区的区管理员"):
        district_report_start(reporting_year=year_with_reports, by=user)
    assert not DistrictReport.objects.exists() and not Body.objects.filter(kind=BodyKind.DISTRICT_GOVERNMENT).exists()


def test_the_administrator_fills_it_in_and_the_district_body_is_recorded(started, people):
    body = started.report.body
    assert RoleAssignment.objects.current().filter(user=people.admin, body=body, role=Role.FILLER).exists()
    assert people.admin.has_perm("reports.edit_report", started.report)
    assert not people.filler.has_perm("reports.view_report", started.report)
    kinds = set(AdminAction.objects.filter(body=body).values_list("kind", flat=True))
    assert kinds == {AdminAction.Kind.BODY_CREATED, AdminAction.Kind.ROLE_ASSIGNED}
    assert started.report.events.filter(comment__contains="区级汇总预填").exists()


def test_the_district_report_is_never_summed_nor_given_a_draft_by_a_new_year(year_with_reports, started, people):
    before = district_summary(year_with_reports)
    report = started.report
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.PUBLISHED)
    ReportPdf.objects.create(report=report, version=1, status=ReportPdf.Status.DONE, file="x.pdf", sha256="1" * 64,
                             content=snapshot_of(report), published_at=timezone.now())
    after = district_summary(year_with_reports)
    assert after.sums == before.sums and len(after.bodies) == len(before.bodies)
    assert report.body.name not in [m.name for m in after.missing]
    opened = reporting_year_open(district=people.district, year=2026, by=people.admin)
    assert not opened.reports.filter(body=report.body).exists() and opened.reports.count() == 12


def _publish_district_report(started):
    report = started.report
    AnnualReport.objects.filter(pk=report.pk).update(status=ReportStatus.PUBLISHED)
    ReportPdf.objects.create(report=report, version=1, status=ReportPdf.Status.DONE, file="d.pdf", sha256="2" * 64,
                             content=snapshot_of(report), published_at=timezone.now())


def _correct(report, cell_id, delta):
    """A published body's report corrected: version 2 with one cell (and its totals) changed."""
    from reports.formats import rules as format_rules
    from reports.formats.cells import to_json_value

    fmt = report.format
    content = dict(ReportPdf.objects.get(report=report, version=1).content)
    values = {c: from_json_value(fmt.cell(c).type, v) for c, v in content["values"].items()}
    values[cell_id] += delta
    values = format_rules.compute(fmt, {c: v for c, v in values.items() if not fmt.cell(c).computed})
    content["values"] = {c: to_json_value(fmt.cell(c).type, v) for c, v in values.items()}
    ReportPdf.objects.create(report=report, version=2, status=ReportPdf.Status.DONE, file="v2.pdf", sha256="3" * 64,
                             content=content, published_at=timezone.now())


def test_a_correction_after_publication_tells_the_administrators_what_changed(year_with_reports, started, people):
    _publish_district_report(started)
    body_report = AnnualReport.objects.filter(reporting_year=year_with_reports, status=ReportStatus.PUBLISHED,
                                              body=people.body).get()
    cell = "s3.R1.A"  # 本年新收 · 自然人
    old = district_summary(year_with_reports).sums
    _correct(body_report, cell, 5)
    change = summary_change_record(report=body_report, version=2)
    new = district_summary(year_with_reports).sums
    by_cell = {c["cell"]: c for c in change.cells}
    assert cell in by_cell and "s3.R1.G" in by_cell
    assert by_cell[cell] == {"cell": cell, "label": body_report.format.cell(cell).label,
                             "old": str(old[cell]), "new": str(new[cell])}
    assert new[cell] == old[cell] + 5
    assert set(by_cell) == {c for c in new if new[c] != old[c]}
    notice = Notification.objects.get(recipient=people.admin, kind="district_summary_changed")
    assert notice.report == started.report and f"{old[cell]}→{new[cell]}" in notice.body
    assert summary_change_record(report=body_report, version=2) is None  # once per version
    assert SummaryChange.objects.count() == 1


def test_no_notice_before_the_district_report_is_out_or_when_nothing_changed(year_with_reports, started, people):
    body_report = AnnualReport.objects.get(reporting_year=year_with_reports, body=people.body)
    _correct(body_report, "s3.R1.A", 3)
    assert summary_change_record(report=body_report, version=2) is None  # the district's report is a draft
    _publish_district_report(started)
    other = AnnualReport.objects.get(reporting_year=year_with_reports, body=people.other_body)
    _correct(other, "s3.R1.A", 0)
    assert summary_change_record(report=other, version=2) is None
    assert not Notification.objects.filter(kind="district_summary_changed").exists()


@time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_the_demo_administrator_compiles_the_last_season(client):
    """The demo: the last season published by every body, the 区政府 with its two reviewers; the
    administrator starts the district's report from the summary page, nobody missing."""
    agencies_demo.seed()
    reports_demo.seed()
    publishing_demo.seed()
    admin = User.objects.get(username="district.admin")
    year = ReportingYear.objects.get(district__code="110101", year=2025)
    client.force_login(admin)
    client.post(reverse("district_report:start", args=[year.pk]))
    started = DistrictReport.objects.get(reporting_year=year)
    assert started.missing == [] and len(started.bodies) == 25
    found = reviewers(started.report.body)
    assert [u.username for u in found[Role.DEPT_HEAD]] == ["district.head"]
    assert [u.username for u in found[Role.DIRECTOR]] == ["district.director"]
    publishing_demo.seed()  # seeding again never pushes the district's report along
    agencies_demo.seed()
    assert AnnualReport.objects.get(pk=started.report.pk).status == ReportStatus.DRAFT
    assert not ReportingYear.objects.get(district__code="110101", year=2026).reports.filter(body=started.report.body).exists()
