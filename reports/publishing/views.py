"""Staff pages of publishing: the live render status, retry after a failure, reopen for a correction."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from ..access import report_for
from ..errors import ReportError
from .services import report_publish_retry, report_reopen
from .templatetags.publishing_tags import status_context


@login_required
@require_safe
def status(request, pk):
    report = report_for(request, pk, "publishing.view_render_status")
    response = render(request, "publishing/status.html", status_context(report, request.user))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retry(request, pk):
    report = report_for(request, pk, "publishing.view_render_status")
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
    report = report_for(request, pk, "publishing.view_render_status")
    try:
        report_reopen(report=report, by=request.user, reason=request.POST.get("reason", ""), request=request)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "报告已退回填报人更正；门户网站继续显示已发布的版本。")
    return redirect("reports:overview", pk=report.pk)
