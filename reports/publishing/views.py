"""Staff pages of publishing: the live render status, retry after a failure, reopen for a correction."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from ..errors import ReportError
from ..selectors import reports_visible_to
from .services import report_publish_retry, report_reopen
from .templatetags.publishing_tags import status_context


def _report_for(request, pk):
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if not request.user.has_perm("publishing.view_render_status", report):
        raise PermissionDenied("您无权查看这份报告。")
    return report


@login_required
@require_safe
def status(request, pk):
    report = _report_for(request, pk)
    response = render(request, "publishing/status.html", status_context(report, request.user))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retry(request, pk):
    report = _report_for(request, pk)
    try:
        report_publish_retry(report=report, by=request.user, request=request)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已重新提交生成 PDF，完成后自动发布。")
    return redirect("reports:overview", pk=report.pk)


@login_required
@require_POST
def reopen(request, pk):
    report = _report_for(request, pk)
    try:
        report_reopen(report=report, by=request.user, reason=request.POST.get("reason", ""), request=request)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "报告已退回填报人更正；门户网站继续显示已发布的版本。")
    return redirect("reports:overview", pk=report.pk)
