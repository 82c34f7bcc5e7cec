"""The one way a view gets the report named in its URL."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import AnnualReport
from .selectors import report_visible_to

_DENIED = {"reports.edit_report": "您无权修改这份报告。"}


def report_for(request, pk, perm: str = "reports.view_report"):
    """Another body's report does not exist for this person (404), whatever its id; a report they
    may see but not act on in this way is refused (403) with why."""
    try:  # get(), not first(): first() compiles the reports' ordering (three joins) for one row by its key
        report = AnnualReport.objects.select_related("reporting_year", "body", "body__district").get(pk=pk)
    except AnnualReport.DoesNotExist:
        report = None
    if report is None or not report_visible_to(request.user, report):
        raise Http404("No AnnualReport matches the given query.")
    if not request.user.has_perm(perm, report):
        raise PermissionDenied(_DENIED.get(perm, "您无权查看这份报告。"))
    return report
