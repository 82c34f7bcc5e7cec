"""Submitting, withdrawing, approving and returning a report; handing a deadlocked review level
to another reviewer (指定审核人).

Each service locks the report row, checks who may act (permissions.refusal), and moves the report
through reports.workflow.report_transition — the one table of transitions, which writes the
timeline entry in the same transaction. Notices to the next people to act are written in that
transaction too; e-mails and the `report_approved` signal go out only after it commits.
"""

from functools import partial

import structlog
from django.db import transaction

from reports.errors import ReportError
from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.signals import report_approved
from reports.timeline import event_record
from reports.workflow import report_transition, state_of

from . import notifications as notices
from . import secrecy
from .models import ReviewComment, ReviewLevel
from .permissions import refusal
from .selectors import Problem, submission_problems, target_of

log = structlog.get_logger(__name__)
S = ReportStatus
Role = notices.Role


class SubmissionBlocked(ReportError):
    """The report cannot be submitted yet; `problems` says what to fix and where."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"报告还有 {len(problems)} 个问题需要处理，暂不能提交。")
        self.problems = problems


def _locked(report: AnnualReport, action: str, expected_status: str | None) -> AnnualReport:
    """The report's row, locked until the action commits. Its row only (`of`): FOR UPDATE over the
    joined rows locked its reporting year's and body's rows too, so that every submission (whose
    check takes tens of milliseconds), approval and return of the district's year waited for the
    one before it: at the January peak, hundreds of bodies in one queue."""
    locked = (AnnualReport.objects.select_for_update(of=("self",)).select_related("body", "reporting_year")
              .get(pk=report.pk))
    if expected_status is not None and locked.status != expected_status:
        # Someone acted first: report_transition refuses and says who did what.
        report_transition(report=locked, action=action, expected_status=expected_status, already_locked=True)
        raise AssertionError("unreachable: the expected status differs")
    return locked


def _guard(action: str, report: AnnualReport, by) -> None:
    reason = refusal(by, action, report)
    if reason:
        raise ReportError(reason)


def _round(report: AnnualReport) -> int:
    return report.events.filter(kind=ReportEvent.Kind.SUBMITTED).count()


@transaction.atomic
def report_submit(*, report: AnnualReport, by, expected_status: str | None = None,
                  request=None) -> AnnualReport:
    locked = _locked(report, "submit", expected_status)
    _guard("submit", locked, by)
    problems = submission_problems(locked)
    if problems:
        raise SubmissionBlocked(problems)
    resubmission = locked.status == S.RETURNED
    report_transition(report=locked, action="submit", by=by, expected_status=locked.status, request=request,
                      already_locked=True,
                      data={"round": _round(locked) + 1, "resubmission": resubmission})
    notices.notify(
        users=notices.people_of(locked.body, Role.DEPT_HEAD), report=locked, exclude=by, kind="submitted",
        title=f"{locked.title}{'已修改并重新提交' if resubmission else '已提交'}，待您审核",
        body=f"{by.display_name}{'修改后重新提交了' if resubmission else '提交了'}{locked.title}，请进行部门负责人审核。",
    )
    log.info("report_submitted", report=locked.pk, by=by.pk)
    report.status = locked.status
    return locked


@transaction.atomic
def report_withdraw(*, report: AnnualReport, by, expected_status: str | None = None,
                    request=None) -> AnnualReport:
    locked = _locked(report, "withdraw", expected_status)
    _guard("withdraw", locked, by)
    report_transition(report=locked, action="withdraw", by=by, expected_status=locked.status, request=request,
                      already_locked=True)
    notices.notify(
        users=notices.people_of(locked.body, Role.DEPT_HEAD), report=locked, exclude=by, kind="withdrawn",
        title=f"{locked.title}已撤回", body=f"{by.display_name}撤回了{locked.title}的提交，暂不需要审核。",
        url=notices.report_url(locked, "reports:overview"),
    )
    report.status = locked.status
    return locked


def _level(report: AnnualReport) -> str:
    return state_of(report.status).review_level


def approval_data(report: AnnualReport, confirmed) -> dict:
    """What an approval's timeline entry keeps: its level and the 保密审查 points confirmed."""
    return {"level": _level(report), "secrecy": secrecy.confirmed_record(confirmed)}


@transaction.atomic
def report_approve(*, report: AnnualReport, by, comment: str = "", confirmed=(),
                   expected_status: str | None = None, request=None) -> AnnualReport:
    """Approve the current level. 保密审查: every point of secrecy.POINTS must be `confirmed` and an
    opinion (`comment`) written; both are kept on the approval's timeline entry (the 审核表's source)."""
    locked = _locked(report, "approve", expected_status)
    _guard("approve", locked, by)
    missing = secrecy.missing_points(confirmed)
    if missing:
        raise ReportError(secrecy.missing_message(missing))
    opinion = (comment or "").strip()
    if not opinion:
        raise ReportError("请填写审核意见（将印在审核表上）。")
    level = _level(locked)
    report_transition(report=locked, action="approve", by=by, expected_status=locked.status, request=request,
                      already_locked=True,
                      comment=opinion[:2000], data=approval_data(locked, confirmed))
    if level == ReviewLevel.HEAD:
        notices.notify(
            users=notices.people_of(locked.body, Role.DIRECTOR), report=locked, exclude=by,
            kind="approved_head",
            title=f"{locked.title}待您审核", body=f"部门负责人{by.display_name}已审核通过{locked.title}，请进行主管主任审核。",
        )
    else:
        notices.notify(
            users=notices.people_of(locked.body, Role.FILLER) + notices.district_admins(locked.body.district),
            report=locked, exclude=by, kind="approved",
            title=f"{locked.title}已批准，待发布",
            body=f"主管主任{by.display_name}已审核通过{locked.title}，报告将生成PDF并发布。",
            url=notices.report_url(locked, "reports:overview"),
        )
        # Publishing listens; it must not see an approval that was rolled back.
        transaction.on_commit(partial(report_approved.send, sender=AnnualReport, report_id=locked.pk))
    log.info("report_approved", report=locked.pk, by=by.pk, level=level)
    report.status = locked.status
    return locked


def _comments(fmt, comments) -> list[dict]:
    """[{"target", "text"}] → checked against the format; blank texts are dropped."""
    out = []
    for number, item in enumerate(comments or [], start=1):
        text = (item.get("text") or "").strip()
        if not text:
            continue
        if not (item.get("target") or "").strip():
            raise ReportError(f"第 {item.get('number', number)} 条意见没有选择针对的位置（某一节、某个单元格或某段文字）。")
        try:
            target = target_of(fmt, (item.get("target") or "").strip())
        except KeyError:
            raise ReportError(f"意见所指的位置“{item.get('target')}”不存在，请重新选择。") from None
        out.append({"target": target.key, "kind": target.kind, "section": target.section_key,
                    "label": target.label, "text": text[:2000]})
    return out


@transaction.atomic
def report_return(*, report: AnnualReport, by, reason: str, comments=(), expected_status: str | None = None,
                  request=None) -> AnnualReport:
    locked = _locked(report, "return", expected_status)
    _guard("return", locked, by)
    reason = (reason or "").strip()
    if not reason:
        raise ReportError("退回修改须写明退回理由。")
    checked = _comments(locked.format, comments)
    level = _level(locked)
    report_transition(report=locked, action="return", by=by, expected_status=locked.status, request=request,
                      already_locked=True,
                      comment=reason[:2000], data={"level": level, "comments": checked})
    event = locked.events.filter(kind=ReportEvent.Kind.RETURNED).order_by("-pk").first()
    ReviewComment.objects.bulk_create([
        ReviewComment(report=locked, return_event=event, author=by, level=level, target_kind=c["kind"],
                      target=c["target"], section_key=c["section"], label=c["label"][:200], text=c["text"])
        for c in checked
    ])
    who = "部门负责人" if level == ReviewLevel.HEAD else "主管主任"
    notices.notify(
        users=notices.people_of(locked.body, Role.FILLER), report=locked, exclude=by, kind="returned",
        title=f"{locked.title}被退回修改",
        body=f"{who}{by.display_name}退回了{locked.title}。理由：{reason}" + (
            f"（另有 {len(checked)} 条具体意见）" if checked else ""),
        url=notices.report_url(locked, "reports:overview"),
    )
    log.info("report_returned", report=locked.pk, by=by.pk, level=level, comments=len(checked))
    report.status = locked.status
    return locked


@transaction.atomic
def report_reviewer_assign(*, report: AnnualReport, by, reviewer_id: int, expected_status: str | None = None,
                           request=None) -> AnnualReport:
    """指定审核人: when every holder of the current review level must stand aside, a district
    administrator hands the level to another reviewer of the district who did not edit the report.
    The report's state does not change; the timeline records who was chosen, by whom, and why."""
    from .selectors import review_deadlock, reviewer_candidates

    locked = (AnnualReport.objects.select_for_update(of=("self",))
              .select_related("body", "body__district", "reporting_year").get(pk=report.pk))
    if expected_status is not None and locked.status != expected_status:
        raise ReportError(f"操作未执行：报告当前状态已变为“{locked.get_status_display()}”，请刷新页面。")
    if not by.has_perm("review.assign_reviewer", locked):
        if review_deadlock(locked) is None and by.has_perm("review.export_timeline", locked):
            raise ReportError("这一级审核有人可以进行，不需要指定审核人。")
        raise ReportError("只有本区的区管理员可以在审核人均须回避时指定审核人。")
    deadlock = review_deadlock(locked)
    if deadlock is None:  # the permission holds only while the level is deadlocked
        raise ReportError("这一级审核有人可以进行，不需要指定审核人。")
    candidates = dict(reviewer_candidates(locked))
    if reviewer_id not in candidates:
        raise ReportError("请从列表中选择审核人：只能指定本区未编辑过这份报告的部门负责人或主管主任。")
    reviewer = notices.User.objects.get(pk=reviewer_id)
    level = state_of(locked.status)
    event_record(report=locked, kind=ReportEvent.Kind.REVIEWER_ASSIGNED, actor=by, request=request,
                 comment=f"{level.level_label}指定由{candidates[reviewer_id]}进行。原因：{deadlock.message}",
                 data={"level": level.review_level, "status": locked.status, "reviewer": reviewer.pk,
                       "reviewer_name": reviewer.display_name, "standing_aside": list(deadlock.standing_aside)})
    notices.notify(
        users=[reviewer], report=locked, exclude=by, kind="reviewer_assigned",
        title=f"{locked.title}指定由您审核",
        body=f"区管理员{by.display_name}指定由您进行{locked.title}的{level.level_label}"
             f"（本单位的审核人均须回避）。",
    )
    log.info("review_reviewer_assigned", report=locked.pk, by=by.pk, reviewer=reviewer.pk, level=level.review_level)
    report.status = locked.status
    return locked
