"""Filling in a report: the list, the overview of six sections, the 预警说明, the preview.
One section's page is in section_views.py.

Thin: reads go through selectors, writes through services; a domain error becomes a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from ..access import report_for
from ..errors import ReportError
from ..publishing.document import AnnualReportDocument
from ..selectors import reports_visible_to, results_by_section
from ..services import report_explanations_save
from ..summary.comparison import checked, request_comparison
from ..timeline import read_timeline


@login_required
@require_safe
def report_list(request):
    reports = reports_visible_to(request.user).order_by("-reporting_year__year", "body__kind", "body__sort_order")
    return render(request, "reports/report_list.html", {"reports": reports})


@login_required
@require_safe
def report_overview(request, pk):
    return _overview(request, report_for(request, pk))


def _overview(request, report, *, typed_explanations=None, status=200):
    """The overview; `typed_explanations` re-shows 预警说明 that could not be saved, as typed."""
    read_timeline(report)  # the page shows it: its questions are answered from it
    check = checked(request_comparison(request, report))  # read once: the warnings and the 年报体检 too
    fmt = report.format
    sections = [
        {"section": s, "progress": check.progress[s.key],
         "problems": results_by_section(fmt, check.results).get(s.key, []),
         "invalid": [c for c in check.invalid_cells if c.startswith(s.key + ".")]}
        for s in fmt.sections
    ]
    return render(request, "reports/overview.html", {
        "report": report, "check": check, "sections": sections,
        "can_edit": request.user.has_perm("reports.edit_report", report),
        "warnings": [(w, (typed_explanations or report.explanations).get(w.rule_id, ""))
                     for w in check.soft_warnings],
    }, status=status)


@login_required
@require_POST
def explanations(request, pk):
    report = report_for(request, pk, perm="reports.edit_report")
    given = {k[12:]: v for k, v in request.POST.items() if k.startswith("explanation:")}
    try:
        report_explanations_save(report=report, explanations=given, by=request.user, request=request)
    except ReportError as error:
        messages.error(request, error.message)
        return _overview(request, report, typed_explanations=given, status=400)
    else:
        messages.success(request, "预警说明已保存。")
    return redirect("reports:overview", pk=report.pk)


@login_required
@require_safe
def preview(request, pk):
    report = report_for(request, pk)
    return render(request, "reports/preview.html", {"report": report, "document": AnnualReportDocument(report)})
