"""The progress board of a year: every body's report with its state, who holds it, how long it
has been there and how close the deadline is; the counts per state; progress over the weeks.

A fixed number of queries whatever the number of bodies: one for the reports with their timeline
aggregates, one for the people who hold them, two for the review levels nobody can take (every
holder must stand aside), one for the weekly progress.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from agencies.models import BodyKind, Role
from config.forms import search_text

from ..models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from ..review.selectors import holders_of, review_deadlocks
from ..workflow import HOLDER_ROLE, NOT_SUBMITTED

S = ReportStatus


def district_years(district_ids):
    return ReportingYear.objects.filter(district_id__in=district_ids).select_related("district").order_by("-year")


STATUS_LABELS = dict(S.choices)
EVENT_LABELS = dict(ReportEvent.Kind.choices)
ROLE_LABELS = dict(Role.choices)
KIND_LABELS = dict(BodyKind.choices)


@dataclass
class BoardRow:
    """One body's report on the board (plain values: the board of 300 bodies builds no models)."""

    report_id: int
    status: str
    body_name: str  # the name in the report (its year's name)
    body_code: str
    body_kind: str
    holder_role: str  # label: 填报人, 部门负责人, 主管主任, 区管理员; "" when nobody holds it (published)
    holders: list[str]
    state_since: datetime
    days_in_state: int
    last_activity: datetime | None
    last_kind: str
    days_to_deadline: int
    overdue: bool
    href: str = ""
    last_text: str = ""
    current_name: str = ""  # the body's name today, for the search
    stuck: str = ""  # why nobody can review it (every holder of the level must stand aside)

    @property
    def days_overdue(self) -> int:
        return max(-self.days_to_deadline, 0)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.body_kind, "")

    @property
    def review_href(self) -> str:
        return reverse("review:report", args=[self.report_id])

    @property
    def holders_text(self) -> str:
        return "、".join(self.holders)

    @property
    def submitted(self) -> bool:
        return self.status not in NOT_SUBMITTED


@dataclass
class BoardFilters:
    status: str = ""
    kind: str = ""
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, params) -> "BoardFilters":
        status = params.get("status", "")
        kind = params.get("kind", "")
        return cls(status=status if status in S.values or status == "not_submitted" else "",
                   kind=kind if kind in BodyKind.values else "",
                   overdue=params.get("overdue") == "1", q=search_text(params.get("q", ""), limit=50))

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.overdue or self.q)

    def as_query(self) -> str:
        from urllib.parse import urlencode

        data = {"status": self.status, "kind": self.kind, "overdue": "1" if self.overdue else "", "q": self.q}
        return urlencode({k: v for k, v in data.items() if v})


@dataclass
class Board:
    reporting_year: ReportingYear
    rows: list[BoardRow]
    counts: dict[str, int]  # status -> number of reports (over the whole year, not the filtered rows)
    total: int
    overdue: int
    today: date
    filters: BoardFilters = field(default_factory=BoardFilters)

    @property
    def days_to_deadline(self) -> int:
        return (self.reporting_year.deadline - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(-self.days_to_deadline, 0)

    @property
    def count_items(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.counts.get(value, 0)) for value, label in S.choices]

    @property
    def not_submitted(self) -> int:
        return sum(self.counts.get(s, 0) for s in NOT_SUBMITTED)


def _reports(reporting_year: ReportingYear):
    last_event = ReportEvent.objects.filter(report=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        AnnualReport.objects.of_reporting_bodies().filter(reporting_year=reporting_year)
        .annotate(
            state_since=Max("events__created_at", filter=~Q(events__to_status="")),
            last_activity=Max("events__created_at"),
            last_kind=Subquery(last_event.values("kind")[:1]),
        )
        .order_by("body__kind", "body__sort_order", "body__code")
        .values("pk", "status", "body_name", "created_at", "body_id", "body__code", "body__name", "body__kind",
                "state_since", "last_activity", "last_kind")
    )


def progress_board(reporting_year: ReportingYear, filters: BoardFilters | None = None) -> Board:
    filters = filters or BoardFilters()
    today = timezone.localdate()
    reports = list(_reports(reporting_year))
    # Who holds each body's roles: named on the board, and asked by the deadlock check (one query).
    holders = holders_of({r["body_id"] for r in reports}, [Role.FILLER, Role.DEPT_HEAD, Role.DIRECTOR])
    days_to_deadline = (reporting_year.deadline - today).days
    overview = reverse("reports:overview", args=[0]).rsplit("0/", 1)[0]
    stuck = review_deadlocks(((r["pk"], r["status"], r["body_id"]) for r in reports), holders=holders)
    rows = []
    for r in reports:
        status, last = r["status"], r["last_activity"]
        last = timezone.localtime(last) if last else None
        last_kind = EVENT_LABELS.get(r["last_kind"], "")
        since = r["state_since"] or r["created_at"]
        role = HOLDER_ROLE.get(status)
        rows.append(BoardRow(
            report_id=r["pk"], status=status, body_name=r["body_name"], body_code=r["body__code"],
            body_kind=r["body__kind"], current_name=r["body__name"],
            holder_role=ROLE_LABELS[role] if role else "",
            holders=[name for _, name in holders.get((r["body_id"], role), [])] if role else [],
            stuck=stuck[r["pk"]].message if r["pk"] in stuck else "",
            state_since=since,
            days_in_state=max((today - timezone.localdate(since)).days, 0),
            last_activity=last,
            last_kind=last_kind,
            days_to_deadline=days_to_deadline,
            overdue=days_to_deadline < 0 and status in NOT_SUBMITTED,
            href=f"{overview}{r['pk']}/",
            last_text=f"{last.month}月{last.day}日 {last:%H:%M} {last_kind}" if last else "—",
        ))
    counts = Counter(r.status for r in rows)
    overdue = sum(1 for r in rows if r.overdue)
    shown = [r for r in rows if _matches(r, filters)]
    return Board(reporting_year, shown, dict(counts), len(rows), overdue, today, filters)


def _matches(row: BoardRow, filters: BoardFilters) -> bool:
    status = row.status
    if filters.status == "not_submitted" and status not in NOT_SUBMITTED:
        return False
    if filters.status and filters.status != "not_submitted" and status != filters.status:
        return False
    if filters.kind and row.body_kind != filters.kind:
        return False
    if filters.overdue and not row.overdue:
        return False
    if filters.q and filters.q not in row.body_name and filters.q not in row.current_name:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Progress over the weeks

MILESTONES = (
    (ReportEvent.Kind.SUBMITTED, "已提交审核"),
    (ReportEvent.Kind.APPROVED_DIRECTOR, "已批准"),
    (ReportEvent.Kind.PUBLISHED, "已发布"),
)


@dataclass
class WeekPoint:
    end: date
    counts: tuple[int, ...]  # per milestone: reports that had reached it by the end of that week


@dataclass
class Progress:
    total: int
    labels: tuple[str, ...]
    weeks: list[WeekPoint]


def weekly_progress(reporting_year: ReportingYear, *, total: int, today: date | None = None) -> Progress:
    """For each week since the year was opened: how many reports had first been submitted,
    approved and published by its end (one query)."""
    today = today or timezone.localdate()
    firsts = (
        ReportEvent.objects.filter(report__reporting_year=reporting_year, kind__in=[k for k, _ in MILESTONES])
        .values("report_id", "kind").annotate(first=Min("created_at")).values_list("kind", "first")
    )
    reached: dict[str, list[date]] = {k: [] for k, _ in MILESTONES}
    for kind, first in firsts:
        reached[kind].append(timezone.localdate(first))
    start = timezone.localdate(reporting_year.opened_at)
    end = max(today, start)
    weeks = []
    week_end = start + timedelta(days=6)
    while True:
        point_end = min(week_end, end)
        weeks.append(WeekPoint(point_end, tuple(sum(1 for d in reached[k] if d <= point_end) for k, _ in MILESTONES)))
        if week_end >= end or len(weeks) >= 104:
            break
        week_end += timedelta(days=7)
    return Progress(total=total, labels=tuple(label for _, label in MILESTONES), weeks=weeks)
