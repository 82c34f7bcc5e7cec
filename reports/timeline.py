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
    forget_timeline(report)
    return ReportEvent.objects.create(
        report=report, kind=kind, actor=actor, from_status=from_status, to_status=to_status,
        comment=comment, data=data or {}, ip_address=_ip(request),
    )


def _events(report: AnnualReport):
    return report.events.select_related("actor").order_by("created_at", "pk")


def report_timeline(report: AnnualReport):
    """The report's events, oldest first (the list read_timeline kept, if a page read it)."""
    events = read_events(report)
    return events if events is not None else _events(report)


def read_timeline(report: AnnualReport) -> list[ReportEvent]:
    """Read the report's whole timeline once and keep it on the instance, for a page that shows it
    anyway (the overview, the review page): who wrote the report, who approved level one, since when
    it waits, who was handed the level, its last return and its first submission are then answered
    from this list, not each by its own query. event_record forgets it.

    The details of the saves (each one's texts before and after) are read only for the saves a page
    shows (`with_details`): a report autosaved for weeks has thousands, and reading them made its
    review page cost ~0.1 ms of CPU a save."""
    events = read_events(report)
    if events is None:
        events = report._timeline_events = list(_events(report).defer("data"))
        with_details([e for e in events if e.kind not in SAVE_KINDS])
    return events


# The events whose details hold what was typed (the texts before and after a save).
SAVE_KINDS = (E.SAVED, E.EXPLAINED)


def with_details(events: list[ReportEvent]) -> list[ReportEvent]:
    """`events` with their details (`data`), those read without them read in one query."""
    missing = [e for e in events if "data" in e.get_deferred_fields()]
    if missing:
        found = dict(ReportEvent.objects.filter(pk__in=[e.pk for e in missing]).order_by().values_list("pk", "data"))
        for event in missing:
            event.data = found.get(event.pk) or {}
    return events


def read_events(report: AnnualReport) -> list[ReportEvent] | None:
    """The timeline read_timeline kept on this instance, or None."""
    return report.__dict__.get("_timeline_events")


def forget_timeline(report: AnnualReport) -> None:
    for kept in ("_timeline_events", "_timeline_authors", "_timeline_designee"):
        report.__dict__.pop(kept, None)


def latest(events: list[ReportEvent], *kinds, to_status: str | None = None) -> ReportEvent | None:
    """The last of `events` (oldest first) of one of `kinds`, or entering `to_status`."""
    for event in reversed(events):
        if (not kinds or event.kind in kinds) and (to_status is None or event.to_status == to_status):
            return event
    return None


def report_authors(report: AnnualReport) -> set[int]:
    """Everyone who saved, explained or submitted this report, in any round (cached on the instance
    for one request)."""
    cached = getattr(report, "_timeline_authors", None)
    if cached is None:
        if (events := read_events(report)) is not None:
            cached = {e.actor_id for e in events if e.kind in AUTHOR_KINDS and e.actor_id is not None}
        else:
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
    if (events := read_events(report)) is not None:
        entered = next((e.pk for e in reversed(events) if e.to_status), 0)
        designation = max((e for e in events if e.kind == E.REVIEWER_ASSIGNED and e.pk > entered),
                          key=lambda e: e.pk, default=None)
        designee = (designation.data or {}).get("reviewer") if designation else None
    else:
        entered = (report.events.exclude(to_status="").order_by("-created_at", "-pk")
                   .values_list("pk", flat=True).first())
        designation = (report.events.filter(kind=E.REVIEWER_ASSIGNED, pk__gt=entered or 0)
                       .order_by("-pk").values_list("data", flat=True).first())
        designee = (designation or {}).get("reviewer")
    report._timeline_designee = designee
    return designee


def designated_report_ids(user):
    """Reports ever handed to `user` for review (a subquery): they may read them."""
    return ReportEvent.objects.filter(kind=E.REVIEWER_ASSIGNED, data__reviewer=user.pk).values("report_id")
