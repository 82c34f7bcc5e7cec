"""Reads for the review: what blocks a submission, the inboxes, returns and their comments."""

import functools
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, RoleAssignment
from config.compiled import CompiledQuery
from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.selectors import ReportCheck, report_check
from reports.timeline import AUTHOR_KINDS, designated_reviewer, latest, read_events, report_authors
from reports.workflow import HOLDER_ROLE, REVIEW_LEVELS, REVIEW_STATUSES, state_of

from .models import ReviewComment
from .permissions import level_one_approver

S = ReportStatus
E = ReportEvent.Kind
ROLE_LABELS = dict(Role.choices)


# ---------------------------------------------------------------------------------------------
# What a comment can point at: a section, a table cell, a text part (all from the format)


@dataclass(frozen=True)
class Target:
    kind: str  # ReviewComment.Target
    key: str
    section_key: str
    label: str


def target_of(fmt, key: str) -> Target:
    """KeyError for anything the format does not define."""
    if key in fmt.cells():
        section_key = key.split(".", 1)[0]
        return Target(ReviewComment.Target.CELL, key, section_key, fmt.cell(key).label)
    if "." not in key:
        section = fmt.section(key)
        return Target(ReviewComment.Target.SECTION, key, key, section.title)
    part = fmt.text_part(key)
    section = fmt.section(key.split(".", 1)[0])
    title = part.title or ("说明" if section.tables else "正文")
    return Target(ReviewComment.Target.PART, key, section.key, f"{section.title} · {title}")


@functools.cache
def target_choices(fmt) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """For the comment form: one group per section (the section itself, its parts, its cells).
    Built once per format (a few hundred options; the review page shows them on every comment row)."""
    groups = []
    for section in fmt.sections:
        options = [(section.key, f"整节：{section.title}")]
        options += [(p.key, "文字：" + target_of(fmt, p.key).label.split(" · ", 1)[1]) for p in section.parts]
        options += [(c.id, "单元格：" + c.label) for t in section.tables for c in t.cells()]
        groups.append((section.title, tuple(options)))
    return tuple(groups)


# ---------------------------------------------------------------------------------------------
# What blocks a submission


@dataclass(frozen=True)
class Problem:
    section_key: str
    section_title: str
    message: str
    url: str


def submission_problems(report: AnnualReport, check: ReportCheck | None = None) -> list[Problem]:
    """Everything that must be fixed before submitting, each with the section page to fix it on."""
    check = check or report_check(report)
    fmt = report.format
    problems = []

    def add(section_key, message, anchor=""):
        url = reverse("reports:section", args=[report.pk, section_key]) + anchor
        problems.append(Problem(section_key, fmt.section(section_key).title, message, url))

    for key, progress in check.progress.items():
        if not progress.complete and progress.missing:
            add(key, f"尚有 {len(progress.missing)} 项未填写（已填 {progress.filled} / {progress.total}）。")
    for cell_id, typed in check.invalid_cells.items():
        add(cell_id.split(".", 1)[0], f"“{fmt.cell(cell_id).label}”填写的“{typed}”无法识别为数字。")
    for result in check.hard_failures:
        section_key = (result.cells[0].split(".", 1)[0]) if result.cells else "s1"
        add(section_key, f"错误：{result.message}")
    for warning in check.soft_warnings:
        if not (report.explanations.get(warning.rule_id) or "").strip():
            section_key = (warning.cells[0].split(".", 1)[0]) if warning.cells else "s1"
            problems.append(Problem(section_key, fmt.section(section_key).title,
                                    f"预警未说明：{warning.message}（请在概览页“预警说明”中写明原因）",
                                    reverse("reports:overview", args=[report.pk]) + "#warnings-heading"))
    return problems


def explained_warnings(report: AnnualReport, check: ReportCheck | None = None) -> list[tuple]:
    """(warning, explanation) for the reviewers."""
    check = check or report_check(report)
    return [(w, report.explanations.get(w.rule_id, "")) for w in check.soft_warnings]


# ---------------------------------------------------------------------------------------------
# Returns and comments


def last_event(report: AnnualReport, *kinds) -> ReportEvent | None:
    if (events := read_events(report)) is not None:
        return latest(events, *kinds)
    return report.events.filter(kind__in=kinds).select_related("actor").order_by("-created_at", "-pk").first()


def last_return(report: AnnualReport) -> ReportEvent | None:
    return last_event(report, E.RETURNED)


def comments_of(event: ReportEvent | None) -> list[ReviewComment]:
    if event is None:
        return []
    return list(event.review_comments.select_related("author").order_by("pk"))


def waiting_since(report: AnnualReport) -> datetime | None:
    """When the report entered its current state."""
    if (events := read_events(report)) is not None:
        event = latest(events, to_status=report.status)
    else:
        event = report.events.filter(to_status=report.status).order_by("-created_at", "-pk").first()
    return event.created_at if event else None


# ---------------------------------------------------------------------------------------------
# Inboxes (待办): one query for the list, one COUNT for the navigation badge


@dataclass
class InboxItem:
    report: AnnualReport
    level: str  # "部门负责人审核" / "主管主任审核"
    since: datetime | None
    days_waiting: int
    deadline: object
    recused: bool  # the person edited or submitted it: shown, but someone else must act
    designated: bool = False  # handed to this person by a district administrator (指定审核人)

    @property
    def overdue(self) -> bool:
        return self.deadline < timezone.localdate()


def _inbox_queryset(user, day=None):
    """The reports waiting for `user` (or a user id) at a review level on `day` (today): in a body
    where they hold the level's role, or handed to them (指定审核人) since the report entered that
    level; annotated with `recused` (they must stand aside: the same rules as
    permissions.can_review, in SQL) and `since`."""
    user_id = getattr(user, "pk", user)
    assignments = RoleAssignment.objects.current(day or timezone.localdate()).filter(user_id=user_id)
    held = Q()
    for status in REVIEW_STATUSES:
        held |= Q(status=status, body_id__in=assignments.filter(role=HOLDER_ROLE[status]).values("body_id"))
    entered = (ReportEvent.objects.filter(report=OuterRef("report_id")).exclude(to_status="")
               .order_by("-pk").values("pk")[:1])
    later = ReportEvent.objects.filter(report=OuterRef("report_id"), kind=E.REVIEWER_ASSIGNED, pk__gt=OuterRef("pk"))
    designated = (ReportEvent.objects.filter(report=OuterRef("pk"), kind=E.REVIEWER_ASSIGNED,
                                             data__reviewer=user_id, pk__gt=Subquery(entered))
                  .filter(~Exists(later)))
    authored = ReportEvent.objects.filter(report=OuterRef("pk"), kind__in=AUTHOR_KINDS, actor_id=user_id)
    last_submit = (ReportEvent.objects.filter(report=OuterRef(OuterRef("pk")), kind=E.SUBMITTED)
                   .order_by("-pk").values("pk")[:1])
    approved_one = ReportEvent.objects.filter(report=OuterRef("pk"), kind=E.APPROVED_HEAD, actor_id=user_id,
                                              pk__gt=Subquery(last_submit))
    return (
        AnnualReport.objects.filter(status__in=REVIEW_STATUSES)
        .annotate(designated=Exists(designated))
        .filter(held | Q(designated=True))
        .annotate(recused=Exists(authored) | (Q(status=S.PENDING_DIRECTOR) & Exists(approved_one)))
    )


def inbox_for(user) -> list[InboxItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    reports = _inbox_queryset(user).annotate(
        since=Max("events__created_at", filter=Q(events__to_status=F("status")))
    ).select_related("reporting_year", "body")
    now = timezone.now()
    items = [
        InboxItem(
            report=report, level=state_of(report.status).level_label, since=report.since,
            days_waiting=(now - report.since).days if report.since else 0,
            deadline=report.deadline, recused=report.recused, designated=report.designated,
        )
        for report in reports
    ]
    items.sort(key=lambda i: (i.recused, i.since or now))
    return items


def inbox_count(user) -> int:
    """The navigation badge on every page a reviewer opens: one COUNT query, whatever the number of
    reports. Its SQL is the inbox's (_inbox_queryset), compiled once a process (config/compiled.py):
    building and compiling the queryset took 4 ms of CPU, the query itself a quarter of one."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return INBOX_COUNT.value(user=user.pk, day=timezone.localdate())


INBOX_COUNT = CompiledQuery(lambda user, day: _inbox_queryset(user, day).filter(recused=False).values_list("pk"),
                            count=True)


# ---------------------------------------------------------------------------------------------
# Recusal deadlock: every holder of the level must stand aside


@dataclass(frozen=True)
class Deadlock:
    level_label: str  # 部门负责人审核
    role_label: str  # 部门负责人
    standing_aside: tuple[str, ...]  # names of the holders who must stand aside

    @property
    def message(self) -> str:
        if not self.standing_aside:
            return (f"本单位目前没有可以进行{self.level_label}的{self.role_label}，报告无法继续审核。"
                    "请区管理员指定审核人。")
        return (f"本单位的{self.role_label}（{'、'.join(self.standing_aside)}）编辑或审核过这份报告，均须回避，"
                f"{self.level_label}无人可以进行。请区管理员指定其他审核人。")


def _deadlock(status: str, holders: list[tuple[int, str]], aside: set[int], designee: int | None) -> Deadlock | None:
    if designee is not None and designee not in aside:
        return None
    if any(pk not in aside for pk, _ in holders):
        return None
    role = HOLDER_ROLE[status]
    return Deadlock(state_of(status).level_label, ROLE_LABELS[role], tuple(name for _, name in holders))


def _holders(body_ids, roles, day):
    return (RoleAssignment.objects.current(day)
            .filter(body_id__in=body_ids, role__in=roles, user__is_active=True)
            .order_by("user__full_name", "user_id")
            .values_list("body_id", "role", "user_id", "user__full_name", "user__username"))


# One body's holders of one role: asked by a report's pages (review_deadlock), compiled once a role.
_BODY_HOLDERS = CompiledQuery(lambda role, body, day: _holders([body], [role], day))


def holders_of(body_ids, roles) -> dict[tuple[int, str], list[tuple[int, str]]]:
    """{(body id, role): [(user id, name), …]}: who holds each role of each body today, by name."""
    body_ids, roles, day = list(body_ids), list(roles), timezone.localdate()
    if len(body_ids) == 1 and len(roles) == 1:
        rows = _BODY_HOLDERS.rows(roles[0], body=body_ids[0], day=day)
    else:
        rows = list(_holders(body_ids, roles, day))
    holders: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for body_id, role, pk, name, username in rows:
        holders.setdefault((body_id, role), []).append((pk, name or username))
    return holders


def review_deadlock(report: AnnualReport) -> Deadlock | None:
    """Why nobody can review this report at its current level, or None."""
    if report.status not in REVIEW_STATUSES:
        return None
    aside = set(report_authors(report))
    if report.status == S.PENDING_DIRECTOR and (approver := level_one_approver(report)) is not None:
        aside.add(approver)
    role = HOLDER_ROLE[report.status]
    holders = holders_of([report.body_id], [role]).get((report.body_id, role), [])
    return _deadlock(report.status, holders, aside, designated_reviewer(report))


def review_deadlocks(rows, *, holders=None) -> dict[int, Deadlock]:
    """For the board: {report id: Deadlock} among `rows` ((report id, status, body id)), in two
    queries whatever their number; one if the caller read the bodies' `holders` (holders_of) already."""
    rows = [(pk, status, body_id) for pk, status, body_id in rows if status in REVIEW_STATUSES]
    if not rows:
        return {}
    ids = [pk for pk, _, _ in rows]
    authors: dict[int, set[int]] = {pk: set() for pk in ids}
    level_one: dict[int, set[int]] = {pk: set() for pk in ids}  # who approved level one this round
    designee: dict[int, int | None] = {}
    events = (ReportEvent.objects.filter(report_id__in=ids).order_by("pk")
              .values_list("report_id", "kind", "actor_id", "to_status", "data"))
    for report_id, kind, actor_id, to_status, data in events:
        if kind in AUTHOR_KINDS and actor_id is not None:
            authors[report_id].add(actor_id)
        if kind == E.SUBMITTED:
            level_one[report_id] = set()
        if kind == E.APPROVED_HEAD and actor_id is not None:
            level_one[report_id].add(actor_id)
        if to_status:
            designee[report_id] = None  # a designation holds for the state it was made in
        if kind == E.REVIEWER_ASSIGNED:
            designee[report_id] = (data or {}).get("reviewer")
    if holders is None:
        holders = holders_of({b for _, _, b in rows}, {HOLDER_ROLE[s] for _, s, _ in rows})
    out = {}
    for pk, status, body_id in rows:
        standing = authors[pk] | (level_one[pk] if status == S.PENDING_DIRECTOR else set())
        found = _deadlock(status, holders.get((body_id, HOLDER_ROLE[status]), []), standing, designee.get(pk))
        if found:
            out[pk] = found
    return out


def reviewer_candidates(report: AnnualReport) -> list[tuple[int, str]]:
    """Whom a district administrator may hand the current level to: the district's 部门负责人 and
    主管主任 (active, holding the role today) who did not edit, explain or submit the report, who
    do not hold a later level of this body and, at level two, did not approve level one.
    [(user id, "姓名（单位·角色）")]."""
    aside = set(report_authors(report))
    if report.status == S.PENDING_DIRECTOR and (approver := level_one_approver(report)) is not None:
        aside.add(approver)
    # Nor whoever holds a later level in this body: two levels means two people.
    later = [HOLDER_ROLE[s] for s in REVIEW_LEVELS[REVIEW_LEVELS.index(report.status) + 1:]]
    aside |= set(RoleAssignment.objects.current(timezone.localdate())
                 .filter(body_id=report.body_id, role__in=later).values_list("user_id", flat=True))
    people: dict[int, tuple[str, list[str]]] = {}
    for user_id, name, username, body_name, role in (
        RoleAssignment.objects.current(timezone.localdate())
        .filter(role__in=[Role.DEPT_HEAD, Role.DIRECTOR], body__district_id=report.body.district_id,
                user__is_active=True)
        .exclude(user_id__in=aside)
        .order_by("body__kind", "body__sort_order", "role", "user__full_name")
        .values_list("user_id", "user__full_name", "user__username", "body__name", "role")
    ):
        people.setdefault(user_id, (name or username, []))[1].append(f"{body_name}·{ROLE_LABELS[role]}")
    return [(pk, f"{name}（{'；'.join(places)}）") for pk, (name, places) in people.items()]
