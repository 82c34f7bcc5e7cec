"""The report's states and the one table of transitions between them.

Everything else about the workflow is derived from the two tables below: which states are
editable (the filler holds them), who holds a state (the board's 当前处理, the inbox, the navigation
badge), from which states an action is possible (the permissions' `can_*` and their refusals).

`report_transition` is the only code that changes `AnnualReport.status`: it locks the row, checks
the move against TRANSITIONS, and writes the timeline entry in the same transaction. Who may make
a move is decided by the services that call it (reports/review/services.py, publishing) with the
predicates of reports/review/permissions.py, which read their states from here.
"""

from dataclasses import dataclass

from django.db import transaction

from agencies.models import Role

from .errors import ReportError
from .models import AnnualReport, ReportEvent, ReportStatus
from .timeline import event_record

S = ReportStatus
E = ReportEvent.Kind


@dataclass(frozen=True)
class State:
    """What a state means for the people around the report."""

    holder: str | None  # the role whose turn it is (None: nobody, the system or no one at all)
    editable: bool = False  # the filler may change the content
    review_level: str = ""  # "head" / "director" (reports.review.models.ReviewLevel) when under review
    level_label: str = ""  # the review level as the reviewers see it


STATES: dict[str, State] = {
    S.DRAFT: State(holder=Role.FILLER, editable=True),
    S.RETURNED: State(holder=Role.FILLER, editable=True),
    S.PENDING_HEAD: State(holder=Role.DEPT_HEAD, review_level="head", level_label="部门负责人审核"),
    S.PENDING_DIRECTOR: State(holder=Role.DIRECTOR, review_level="director", level_label="主管主任审核"),
    S.APPROVED: State(holder=None),  # the PDF is being made; the system publishes it
    S.PUBLISH_FAILED: State(holder=Role.DISTRICT_ADMIN),  # 重新发布
    S.PUBLISHED: State(holder=None),
}

# Who makes a move: a role, HOLDER (whoever holds the state it leaves) or SYSTEM (the worker).
HOLDER, SYSTEM = "holder", "system"


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    event: str
    by: str


TABLE: tuple[Transition, ...] = (
    Transition(S.DRAFT, "submit", S.PENDING_HEAD, E.SUBMITTED, Role.FILLER),
    Transition(S.RETURNED, "submit", S.PENDING_HEAD, E.SUBMITTED, Role.FILLER),
    Transition(S.PENDING_HEAD, "withdraw", S.DRAFT, E.WITHDRAWN, Role.FILLER),
    Transition(S.PENDING_HEAD, "approve", S.PENDING_DIRECTOR, E.APPROVED_HEAD, HOLDER),
    Transition(S.PENDING_HEAD, "return", S.RETURNED, E.RETURNED, HOLDER),
    Transition(S.PENDING_DIRECTOR, "approve", S.APPROVED, E.APPROVED_DIRECTOR, HOLDER),
    Transition(S.PENDING_DIRECTOR, "return", S.RETURNED, E.RETURNED, HOLDER),
    Transition(S.APPROVED, "publish", S.PUBLISHED, E.PUBLISHED, SYSTEM),
    Transition(S.APPROVED, "fail_publish", S.PUBLISH_FAILED, E.PUBLISH_FAILED, SYSTEM),
    Transition(S.PUBLISH_FAILED, "retry_publish", S.APPROVED, E.PUBLISH_RETRIED, Role.DISTRICT_ADMIN),
    # 更正: a district administrator reopens a published report; the portal keeps the published version.
    Transition(S.PUBLISHED, "reopen", S.RETURNED, E.RETURNED, Role.DISTRICT_ADMIN),
)

# (from status, action) -> (to status, timeline event)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {(t.source, t.action): (t.target, t.event) for t in TABLE}

ACTION_LABELS = {
    "submit": "提交审核", "withdraw": "撤回", "approve": "审核通过", "return": "退回修改",
    "publish": "发布", "fail_publish": "标记发布失败", "retry_publish": "重新发布", "reopen": "更正",
}

# Derived: the filler's states (editable, not yet submitted) and the review states with their holder.
EDITABLE_STATUSES = frozenset(s for s, state in STATES.items() if state.editable)
NOT_SUBMITTED = EDITABLE_STATUSES
HOLDER_ROLE: dict[str, str | None] = {s: state.holder for s, state in STATES.items()}
REVIEW_STATUSES = frozenset(s for s, state in STATES.items() if state.review_level)


def _review_levels() -> tuple[str, ...]:
    """The review states in the order a submitted report passes them (follow "approve")."""
    levels, status = [], TRANSITIONS[(S.DRAFT, "submit")][0]
    while status in REVIEW_STATUSES:
        levels.append(status)
        status = TRANSITIONS[(status, "approve")][0]
    return tuple(levels)


REVIEW_LEVELS = _review_levels()


def sources(action: str) -> frozenset[str]:
    """The states from which `action` is possible."""
    return frozenset(t.source for t in TABLE if t.action == action)


def state_of(status: str) -> State:
    return STATES[status]


@transaction.atomic
def report_transition(*, report: AnnualReport, action: str, by=None, expected_status: str | None = None,
                      comment: str = "", data: dict | None = None, request=None,
                      already_locked: bool = False) -> AnnualReport:
    """Move a report along one edge of TRANSITIONS. `expected_status` is the state the person saw:
    when someone else acted first, the second action is refused with what happened. `already_locked`:
    the caller read `report` under its row lock in this transaction (the services do), so it is not
    read again."""
    locked = report if already_locked else AnnualReport.objects.select_for_update().get(pk=report.pk)
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
