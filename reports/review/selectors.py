"""Reads for the review: what blocks a submission, the inboxes, returns and their comments."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from agencies.selectors import user_roles
from reports.models import AnnualReport, ReportEvent, ReportStatus
from reports.selectors import ReportCheck, report_check

from .models import ReviewComment
from .permissions import is_report_author, level_one_approver

S = ReportStatus
E = ReportEvent.Kind


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


def target_choices(fmt) -> list[tuple[str, list[tuple[str, str]]]]:
    """For the comment form: one group per section (the section itself, its parts, its cells)."""
    groups = []
    for section in fmt.sections:
        options = [(section.key, f"整节：{section.title}")]
        options += [(p.key, "文字：" + target_of(fmt, p.key).label.split(" · ", 1)[1]) for p in section.parts]
        options += [(c.id, "单元格：" + c.label) for t in section.tables for c in t.cells()]
        groups.append((section.title, options))
    return groups


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
    return report.events.filter(kind__in=kinds).select_related("actor").order_by("-created_at", "-pk").first()


def last_return(report: AnnualReport) -> ReportEvent | None:
    return last_event(report, E.RETURNED)


def comments_of(event: ReportEvent | None) -> list[ReviewComment]:
    if event is None:
        return []
    return list(event.review_comments.select_related("author").order_by("pk"))


def waiting_since(report: AnnualReport) -> datetime | None:
    """When the report entered its current state."""
    event = report.events.filter(to_status=report.status).order_by("-created_at", "-pk").first()
    return event.created_at if event else None


# ---------------------------------------------------------------------------------------------
# Inboxes (待办)


@dataclass
class InboxItem:
    report: AnnualReport
    level: str  # "部门负责人审核" / "主管主任审核"
    since: datetime | None
    days_waiting: int
    deadline: object
    recused: bool  # the person edited or submitted it: shown, but someone else must act

    @property
    def overdue(self) -> bool:
        return self.deadline < timezone.localdate()


def inbox_for(user) -> list[InboxItem]:
    roles = user_roles(user)
    heads, directors = roles.body_ids(Role.DEPT_HEAD), roles.body_ids(Role.DIRECTOR)
    if not heads and not directors:
        return []
    reports = (
        AnnualReport.objects.filter(status=S.PENDING_HEAD, body_id__in=heads)
        | AnnualReport.objects.filter(status=S.PENDING_DIRECTOR, body_id__in=directors)
    ).select_related("reporting_year", "body")
    now = timezone.now()
    items = []
    for report in reports:
        since = waiting_since(report)
        recused = bool(is_report_author(user, report)) or (
            report.status == S.PENDING_DIRECTOR and level_one_approver(report) == user.pk)
        items.append(InboxItem(
            report=report,
            level="部门负责人审核" if report.status == S.PENDING_HEAD else "主管主任审核",
            since=since, days_waiting=(now - since).days if since else 0,
            deadline=report.reporting_year.deadline, recused=recused,
        ))
    items.sort(key=lambda i: (i.recused, i.since or now))
    return items


def inbox_count(user) -> int:
    return sum(1 for item in inbox_for(user) if not item.recused)
