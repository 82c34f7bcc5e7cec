"""Demo: the current season's reports in every review state short of the final approval, moved there by
the real services so that each timeline tells its story. None is approved: that would publish a report
on a year that may not be over yet (the last season is the published one, reports.publishing.demo).
Idempotent: a report that was ever submitted is left as it is, and a report already filled in is not
filled again (a demo user's work is kept).

  东花市街道   filled in, 草稿 — for walking through submit → two approvals in the browser
  东华门、景山街道, 区教育委员会   待部门负责人审核
  交道口、安定门街道   待主管主任审核
  北新桥街道   退回修改 by the 主管主任, with a comment on a table cell and one on a paragraph
  东四街道     待主管主任审核 again, after a return at level two, the fix and the first approval again
"""

import random

from django.db import transaction

from agencies.models import District, User
from reports.demo import demo_seasons, fill_report
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportSection
from reports.selectors import report_check
from reports.services import report_explanations_save, report_section_save, section_text

from .notifications import mail_muted
from .secrecy import ALL_POINTS
from .services import report_approve, report_return, report_submit

CELL = "s2.t5.r1.c1"  # 第二十条第（五）项·行政许可·本年处理决定数量: no rule depends on it
PLAN = {
    "donghuashi": "draft",
    "donghuamen": "pending_head", "jingshan": "pending_head", "jw": "pending_head",
    "jiaodaokou": "pending_director", "andingmen": "pending_director",
    "beixinqiao": "returned",
    "dongsi": "resubmitted",
}
# The status each plan leaves the report in.
PLAN_STATUS = {"draft": "draft", "pending_head": "pending_head", "pending_director": "pending_director",
               "returned": "returned", "resubmitted": "pending_director"}


def _person(code: str, role: str) -> User:
    return User.objects.get(username=f"{code}.{role}")


def _prepare(report: AnnualReport, rng: random.Random) -> None:
    if not all(p.complete for p in report_check(report).progress.values()):
        fill_report(report, rng)
    filler = _person(report.body.code, "filler")
    missing = {w.rule_id: "与上年报告口径不同，已核实本年数据无误。" for w in report_check(report).soft_warnings
               if not report.explanations.get(w.rule_id)}
    if missing:
        report_explanations_save(report=report, explanations={**report.explanations, **missing}, by=filler)
        report.refresh_from_db()


def _return_with_comments(report: AnnualReport, director: User) -> None:
    fmt = report.format
    part = fmt.section("s5").parts[0].key
    report_return(
        report=report, by=director, expected_status=report.status,
        reason="个别数据与业务台账不一致，问题部分写得过于笼统，请核实修改后重新报送。",
        comments=[
            {"target": CELL, "text": "行政许可处理决定数量与区政务服务中心台账不一致，请核实。"},
            {"target": part, "text": "请写明具体问题和改进措施，不要只写套话。"},
        ],
    )


def _fix(report: AnnualReport, filler: User) -> None:
    """What the filler does after the return: corrects the cell and rewrites the paragraph."""
    fmt = report.format
    for key in ("s2", "s5"):
        section = ReportSection.objects.get(report=report, key=key)
        shown = section_text(fmt, section)
        definition = fmt.section(key)
        cells = {c.id: shown.get(c.id, "") for t in definition.tables for c in t.cells() if not c.computed}
        texts = {p.key: section.texts.get(p.key, "") for p in definition.parts}
        if key == "s2":
            cells[CELL] = str(int(section.values.get(CELL) or 0) + 3)
        else:
            texts[definition.parts[0].key] = (
                "存在的主要问题：一是部分政策文件解读发布滞后于文件公开；二是依申请公开答复文书格式不够统一。"
                "改进措施：建立文件与解读同步审签机制；制定答复文书模板并组织专题培训。")
        report_section_save(report=report, key=key, cells=cells, texts=texts, base_version=section.version,
                            by=filler)


def _advance(report: AnnualReport, target: str) -> None:
    code = report.body.code
    filler, head, director = (_person(code, r) for r in ("filler", "head", "director"))
    report_submit(report=report, by=filler)
    if target == "pending_head":
        return
    report_approve(report=report, by=head, comment="数据已核对，经保密审查，同意报送。", confirmed=ALL_POINTS)
    if target == "pending_director":
        return
    _return_with_comments(report, director)
    if target == "returned":
        return
    _fix(report, filler)
    report_submit(report=report, by=filler)
    report_approve(report=report, by=head, comment="已按主管主任意见修改，经保密审查，同意。", confirmed=ALL_POINTS)


@transaction.atomic
def seed():
    district = District.objects.filter(code="110101").first()
    _, current = demo_seasons()
    year = ReportingYear.objects.filter(district=district, year=current).first() if district else None
    if year is None:
        return []
    rng = random.Random(5)
    reports = year.reports.select_related("body", "reporting_year").filter(body__code__in=PLAN)
    with mail_muted():
        for report in reports.order_by("body__sort_order"):
            if report.events.filter(kind=ReportEvent.Kind.SUBMITTED).exists() or not report.is_editable:
                continue
            _prepare(report, rng)
            target = PLAN[report.body.code]
            if target != "draft":
                _advance(report, target)
    return []
