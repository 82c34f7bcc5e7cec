"""Who may submit, withdraw, approve and return a report, as rules predicates.

Each permission is "the role in the report's body" & "the report is in the state for it" & "no
conflict of interest". `refusal()` words why a person may not, for the message they see.

Conflict of interest: nobody reviews a report they edited or submitted, even holding both roles.
"Edited" means any save of this report's content, in any round: after a return the text written
in an earlier round is still there, so a round-based rule would let someone approve their own
words. At level two, the person who approved level one in the current round may not approve
again (two levels means two people).
"""

import rules

from agencies.permissions import (
    is_admin_of_body_district,
    is_dept_head_of_body,
    is_director_of_body,
    is_district_admin,
    is_filler_of_body,
)
from reports.models import ReportEvent, ReportStatus
from reports.permissions import is_report_viewer

S = ReportStatus
E = ReportEvent.Kind


def _authors(report) -> set[int]:
    """Everyone who saved or submitted this report (cached on the instance for one request)."""
    cached = getattr(report, "_review_authors", None)
    if cached is None:
        cached = set(
            report.events.filter(kind__in=[E.SAVED, E.SUBMITTED], actor__isnull=False)
            .values_list("actor_id", flat=True)
        )
        report._review_authors = cached
    return cached


def level_one_approver(report):
    """Who approved level one since the last submission, if anyone."""
    last_submit = report.events.filter(kind=E.SUBMITTED).order_by("-created_at", "-pk").first()
    if last_submit is None:
        return None
    event = report.events.filter(kind=E.APPROVED_HEAD, pk__gt=last_submit.pk).order_by("-pk").first()
    return event.actor_id if event else None


@rules.predicate
def is_body_filler(user, report):
    return report is not None and is_filler_of_body(user, report.body)


@rules.predicate
def is_body_head(user, report):
    return report is not None and is_dept_head_of_body(user, report.body)


@rules.predicate
def is_body_director(user, report):
    return report is not None and is_director_of_body(user, report.body)


@rules.predicate
def is_report_author(user, report):
    return report is not None and user.pk in _authors(report)


@rules.predicate
def approved_level_one(user, report):
    return (report is not None and report.status == S.PENDING_DIRECTOR
            and level_one_approver(report) == user.pk)


@rules.predicate
def is_admin_of_report_district(user, report):
    return report is not None and is_admin_of_body_district(user, report.body)


def _status_in(*statuses):
    @rules.predicate(name=f"status_in_{'_'.join(statuses)}")
    def predicate(user, report):
        return report is not None and report.status in statuses

    return predicate


can_submit = is_body_filler & _status_in(S.DRAFT, S.RETURNED)
can_withdraw = is_body_filler & _status_in(S.PENDING_HEAD)
can_review_head = is_body_head & _status_in(S.PENDING_HEAD) & ~is_report_author
can_review_director = (is_body_director & _status_in(S.PENDING_DIRECTOR) & ~is_report_author
                       & ~approved_level_one)

rules.add_perm("review.submit_report", can_submit)
rules.add_perm("review.withdraw_report", can_withdraw)
rules.add_perm("review.approve_report", can_review_head | can_review_director)
rules.add_perm("review.return_report", can_review_head | can_review_director)
rules.add_perm("review.view_review", is_report_viewer)
rules.add_perm("review.export_timeline", is_admin_of_report_district)
rules.add_perm("review.export_timelines", is_district_admin)  # without an object: shows the links

ACTION_PERMS = {
    "submit": "review.submit_report",
    "withdraw": "review.withdraw_report",
    "approve": "review.approve_report",
    "return": "review.return_report",
}

_VERBS = {"submit": "提交", "withdraw": "撤回", "approve": "审核通过", "return": "退回"}
_STATUS_FOR = {
    "submit": (S.DRAFT, S.RETURNED),
    "withdraw": (S.PENDING_HEAD,),
    "approve": (S.PENDING_HEAD, S.PENDING_DIRECTOR),
    "return": (S.PENDING_HEAD, S.PENDING_DIRECTOR),
}


def refusal(user, action: str, report) -> str | None:
    """None when `user` may do `action` to `report`; otherwise why not, in Chinese."""
    if user is None or not user.is_authenticated:
        return "请先登录。"
    if user.has_perm(ACTION_PERMS[action], report):
        return None
    verb = _VERBS[action]
    if not is_report_viewer(user, report):
        return "您无权处理这份报告。"
    if report.status not in _STATUS_FOR[action]:
        if action == "withdraw" and report.status == S.PENDING_DIRECTOR:
            return "部门负责人已审核通过，不能再撤回。"
        return f"报告当前状态为“{report.get_status_display()}”，不能{verb}。"
    if action in ("submit", "withdraw"):
        if is_district_admin(user) and not is_body_filler(user, report):
            return "区管理员可以查看所有报告，但不能代为报送。"
        return f"只有本单位的填报人可以{verb}报告。"
    # approve / return
    level_holder = is_body_head if report.status == S.PENDING_HEAD else is_body_director
    if not level_holder(user, report):
        if is_admin_of_report_district(user, report) and not (is_body_head(user, report)
                                                               or is_body_director(user, report)):
            return "区管理员可以查看所有报告，但不参与审核。"
        who = "部门负责人" if report.status == S.PENDING_HEAD else "主管主任"
        return f"这一级审核由本单位的{who}进行，您不能{verb}。"
    if is_report_author(user, report):
        return "您编辑或提交过这份报告，按规定须回避，不能审核本报告。"
    if approved_level_one(user, report):
        return "您已完成第一级审核，第二级审核须由另一人进行。"
    return f"您不能{verb}这份报告。"
