from django import template

from ...models import ReportStatus
from ...workflow import sources
from ..selectors import render_status

register = template.Library()


@register.inclusion_tag("publishing/status.html", takes_context=True)
def publication_status(context, report):
    """The live render status on a report's overview (polled with htmx until it is final)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return status_context(report, user)


def status_context(report, user) -> dict:
    status = render_status(report)
    return {
        "report": report,
        "status": status,
        # The states come from the one table (reports.workflow); the template compares none.
        "correcting": report.status not in ({ReportStatus.PUBLISHED} | sources("publish")),
        # 发布失败, or approved with its render lost (a worker died with its message on the demo's broker).
        "can_retry": (report.status in sources("retry_publish") or bool(status and status.stalled))
        and bool(user and user.has_perm("publishing.retry_publish", report)),
        "can_reopen": report.status in sources("reopen") and not report.imported
        and bool(user and user.has_perm("publishing.reopen_report", report)),
    }
