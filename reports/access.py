"""The one way a view gets the report named in its URL."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .selectors import reports_visible_to

_DENIED = {"reports.edit_report": "您无权修改这份报告。"}


def report_for(request, pk, perm: str = "reports.view_report"):
    """Another body's report does not exist for this person (404), whatever its id; a report they
    may see but not act on in this way is refused (403) with why."""
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if not request.user.has_perm(perm, report):
        raise PermissionDenied(_DENIED.get(perm, "您无权查看这份报告。"))
    return report
