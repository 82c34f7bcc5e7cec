"""Who may submit, withdraw, approve and return a report, as rules predicates.

Each permission is "the role for the move" & "the report is in a state the move leaves from" &
"no conflict of interest". The states and the role that holds each come from the one table in
reports/workflow.py. `refusal()` words why a person may not, for the message they see.

Conflict of interest: nobody reviews a report they edited, explained or submitted, even holding
both roles. "Edited" means any save of this report's content, in any round: after a return the
text written in an earlier round is still there, so a round-based rule would let someone approve
their own words. At level two, the person who approved level one in the current round may not
approve again (two levels means two people).

When every holder of a level must stand aside, a district administrator hands the level to
another reviewer of the district (指定审核人, recorded on the timeline); that person reviews it.
"""

import rules

from agencies.models import Role
from agencies.permissions import (
    is_admin_of_body_district,
    is_district_admin,
    is_filler_of_body,
)
from agencies.selectors import user_roles
from reports.models import ReportEvent, ReportStatus
from reports.permissions import is_report_viewer
from reports.timeline import designated_reviewer, latest, read_events, report_authors
from reports.workflow import HOLDER_ROLE, REVIEW_STATUSES, sources, state_of

S = ReportStatus
E = ReportEvent.Kind
ROLE_LABELS = dict(Role.choices)


def level_one_approver(report):
    """Who approved level one since the last submission, if anyone."""
    if (events := read_events(report)) is not None:
        last_submit = latest(events, E.SUBMITTED)
        event = last_submit and max((e for e in events if e.kind == E.APPROVED_HEAD and e.pk > last_submit.pk),
                                    key=lambda e: e.pk, default=None)
        return event.actor_id if event else None
    last_submit = report.events.filter(kind=E.SUBMITTED).order_by("-created_at", "-pk").first()
    if last_submit is None:
        return None
    event = report.events.filter(kind=E.APPROVED_HEAD, pk__gt=last_submit.pk).order_by("-pk").first()
    return event.actor_id if event else None


def holds_state(user, report) -> bool:
    """`user` holds the role whose turn it is, in the report's body."""
    role = HOLDER_ROLE.get(report.status)
    return role is not None and role != Role.DISTRICT_ADMIN and report.body_id in user_roles(user).body_ids(role)


@rules.predicate
def is_body_filler(user, report):
    return report is not None and is_filler_of_body(user, report.body)


@rules.predicate
def is_level_holder(user, report):
    return report is not None and report.status in REVIEW_STATUSES and holds_state(user, report)


@rules.predicate
def is_designated_reviewer(user, report):
    return report is not None and report.status in REVIEW_STATUSES and designated_reviewer(report) == user.pk


@rules.predicate
def is_report_author(user, report):
    return report is not None and user.pk in report_authors(report)


@rules.predicate
def approved_level_one(user, report):
    return (report is not None and report.status == S.PENDING_DIRECTOR
            and level_one_approver(report) == user.pk)


@rules.predicate
def is_admin_of_report_district(user, report):
    return report is not None and is_admin_of_body_district(user, report.body)


def _leaves_by(action: str):
    """The report is in a state `action` leaves from (reports.workflow.TABLE)."""
    statuses = sources(action)

    @rules.predicate(name=f"can_leave_by_{action}")
    def predicate(user, report):
        return report is not None and report.status in statuses

    return predicate


def stands_aside(user, report) -> bool:
    return bool(is_report_author(user, report) or approved_level_one(user, report))


can_submit = is_body_filler & _leaves_by("submit")
can_withdraw = is_body_filler & _leaves_by("withdraw")
can_review = ((is_level_holder | is_designated_reviewer) & _leaves_by("approve")
              & ~is_report_author & ~approved_level_one)


@rules.predicate
def is_review_deadlocked(user, report):
    from .selectors import review_deadlock

    return report is not None and review_deadlock(report) is not None


rules.add_perm("review.submit_report", can_submit)
rules.add_perm("review.withdraw_report", can_withdraw)
rules.add_perm("review.approve_report", can_review)
rules.add_perm("review.return_report", can_review & _leaves_by("return"))
rules.add_perm("review.view_review", is_report_viewer)
# 审核表: the body's people, its reviewers and the district administrators; never the public.
rules.add_perm("review.view_audit_form", is_report_viewer)
rules.add_perm("review.assign_reviewer", is_admin_of_report_district & is_review_deadlocked)
rules.add_perm("review.export_timeline", is_admin_of_report_district)
rules.add_perm("review.export_timelines", is_district_admin)  # without an object: shows the links

ACTION_PERMS = {
    "submit": "review.submit_report",
    "withdraw": "review.withdraw_report",
    "approve": "review.approve_report",
    "return": "review.return_report",
}

_VERBS = {"submit": "提交", "withdraw": "撤回", "approve": "审核通过", "return": "退回"}


def refusal(user, action: str, report) -> str | None:
    """None when `user` may do `action` to `report`; otherwise why not, in Chinese."""
    if user is None or not user.is_authenticated:
        return "请先登录。"
    if user.has_perm(ACTION_PERMS[action], report):
        return None
    verb = _VERBS[action]
    if not is_report_viewer(user, report):
        return "您无权处理这份报告。"
    if report.status not in sources(action):
        if action == "withdraw" and report.status in sources("approve"):
            return "部门负责人已审核通过，不能再撤回。"
        return f"报告当前状态为“{report.get_status_display()}”，不能{verb}。"
    if action in ("submit", "withdraw"):
        if is_district_admin(user) and not is_body_filler(user, report):
            return "区管理员可以查看所有报告，但不能代为报送。"
        return f"只有本单位的填报人可以{verb}报告。"
    # approve / return
    if not (is_level_holder(user, report) or is_designated_reviewer(user, report)):
        designee = designated_reviewer(report)
        if designee is not None:
            return f"区管理员已指定其他人进行这一级审核（{state_of(report.status).level_label}），您不能{verb}。"
        reviewers = {Role.DEPT_HEAD, Role.DIRECTOR}
        if is_admin_of_report_district(user, report) and not any(
                report.body_id in user_roles(user).body_ids(r) for r in reviewers):
            return "区管理员可以查看所有报告，但不参与审核。"
        who = ROLE_LABELS[HOLDER_ROLE[report.status]]
        return f"这一级审核由本单位的{who}进行，您不能{verb}。"
    if is_report_author(user, report):
        return "您编辑或提交过这份报告（含预警说明），按规定须回避，不能审核本报告。"
    if approved_level_one(user, report):
        return "您已完成第一级审核，第二级审核须由另一人进行。"
    return f"您不能{verb}这份报告。"
