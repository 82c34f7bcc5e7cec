"""The report's states and the one table of transitions between them.

`report_transition` is the only code that changes `AnnualReport.status`: it locks the row, checks
the move against TRANSITIONS, and writes the timeline entry in the same transaction. Who may make
a move is decided by the services that call it (reports/review/services.py, publishing).
"""

from django.db import transaction

from .errors import ReportError
from .models import AnnualReport, ReportEvent, ReportStatus
from .timeline import event_record

S = ReportStatus
E = ReportEvent.Kind

# (from status, action) -> (to status, timeline event)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, "submit"): (S.PENDING_HEAD, E.SUBMITTED),
    (S.RETURNED, "submit"): (S.PENDING_HEAD, E.SUBMITTED),
    (S.PENDING_HEAD, "withdraw"): (S.DRAFT, E.WITHDRAWN),
    (S.PENDING_HEAD, "approve"): (S.PENDING_DIRECTOR, E.APPROVED_HEAD),
    (S.PENDING_HEAD, "return"): (S.RETURNED, E.RETURNED),
    (S.PENDING_DIRECTOR, "approve"): (S.APPROVED, E.APPROVED_DIRECTOR),
    (S.PENDING_DIRECTOR, "return"): (S.RETURNED, E.RETURNED),
    (S.APPROVED, "publish"): (S.PUBLISHED, E.PUBLISHED),
    (S.APPROVED, "fail_publish"): (S.PUBLISH_FAILED, E.PUBLISH_FAILED),
    (S.PUBLISH_FAILED, "retry_publish"): (S.APPROVED, E.PUBLISH_RETRIED),
    # 更正: a district administrator reopens a published report; the portal keeps the published version.
    (S.PUBLISHED, "reopen"): (S.RETURNED, E.RETURNED),
}

ACTION_LABELS = {
    "submit": "提交审核", "withdraw": "撤回", "approve": "审核通过", "return": "退回修改",
    "publish": "发布", "fail_publish": "标记发布失败", "retry_publish": "重新发布", "reopen": "更正",
}


@transaction.atomic
def report_transition(*, report: AnnualReport, action: str, by=None, expected_status: str | None = None,
                      comment: str = "", data: dict | None = None, request=None) -> AnnualReport:
    """Move a report along one edge of TRANSITIONS. `expected_status` is the state the person saw:
    when someone else acted first, the second action is refused with what happened."""
    locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if expected_status is not None and locked.status != expected_status:
        last = locked.events.exclude(to_status="").order_by("-created_at", "-pk").first()
        who = f"{last.actor.display_name if last and last.actor else '其他人'}已{last.get_kind_display() if last else '处理'}"
        raise ReportError(f"操作未执行：{who}，报告当前状态为“{locked.get_status_display()}”。")
    try:
        target, kind = TRANSITIONS[(locked.status, action)]
    except KeyError:
        raise ReportError(
            f"报告当前状态为“{locked.get_status_display()}”，不能{ACTION_LABELS.get(action, action)}。"
        ) from None
    source = locked.status
    locked.status = target
    locked.save(update_fields=["status", "updated_at"])
    event_record(report=locked, kind=kind, actor=by, from_status=source, to_status=target, comment=comment,
                 data=data, request=request)
    report.status = locked.status
    return locked
