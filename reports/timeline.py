"""Writing and reading the timeline (ReportEvent)."""

from config.client_ip import client_ip

from .models import AnnualReport, ReportEvent


def _ip(request):
    return None if request is None else client_ip(request)


def event_record(*, report: AnnualReport, kind: str, actor=None, from_status: str = "", to_status: str = "",
                 comment: str = "", data: dict | None = None, request=None) -> ReportEvent:
    """Call inside the transaction of the action it records."""
    return ReportEvent.objects.create(
        report=report, kind=kind, actor=actor, from_status=from_status, to_status=to_status,
        comment=comment, data=data or {}, ip_address=_ip(request),
    )


def report_timeline(report: AnnualReport):
    return report.events.select_related("actor").order_by("created_at", "pk")
