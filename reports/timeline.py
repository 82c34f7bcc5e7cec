"""Writing and reading the timeline (ReportEvent)."""

from config.client_ip import client_ip

from .models import AnnualReport, ReportEvent

E = ReportEvent.Kind

# Whoever wrote any of the report's content (cells, texts, the explanations of its warnings) or
# submitted it: a reviewer who did must stand aside.
AUTHOR_KINDS = (E.SAVED, E.EXPLAINED, E.SUBMITTED)


def _ip(request):
    return None if request is None else client_ip(request)


def event_record(*, report: AnnualReport, kind: str, actor=None, from_status: str = "", to_status: str = "",
                 comment: str = "", data: dict | None = None, request=None) -> ReportEvent:
    """The one way a timeline row is written. Call inside the transaction of the action it records."""
    return ReportEvent.objects.create(
        report=report, kind=kind, actor=actor, from_status=from_status, to_status=to_status,
        comment=comment, data=data or {}, ip_address=_ip(request),
    )


def report_timeline(report: AnnualReport):
    return report.events.select_related("actor").order_by("created_at", "pk")


def report_authors(report: AnnualReport) -> set[int]:
    """Everyone who saved, explained or submitted this report, in any round (cached on the instance
    for one request)."""
    cached = getattr(report, "_timeline_authors", None)
    if cached is None:
        cached = set(report.events.filter(kind__in=AUTHOR_KINDS, actor__isnull=False)
                     .values_list("actor_id", flat=True))
        report._timeline_authors = cached
    return cached


def designated_reviewer(report: AnnualReport) -> int | None:
    """The person a district administrator handed the current review level to (指定审核人), if the
    designation was made since the report entered its current state."""
    cached = getattr(report, "_timeline_designee", False)
    if cached is not False:
        return cached
    entered = report.events.exclude(to_status="").order_by("-created_at", "-pk").values_list("pk", flat=True).first()
    designation = (report.events.filter(kind=E.REVIEWER_ASSIGNED, pk__gt=entered or 0)
                   .order_by("-pk").values_list("data", flat=True).first())
    designee = (designation or {}).get("reviewer")
    report._timeline_designee = designee
    return designee


def designated_report_ids(user):
    """Reports ever handed to `user` for review (a subquery): they may read them."""
    return ReportEvent.objects.filter(kind=E.REVIEWER_ASSIGNED, data__reviewer=user.pk).values("report_id")
