"""The fillers' Excel round trip: download the statistics, upload them filled in, preview, confirm.

Nothing is stored before the confirmation: the upload is read and checked, kept in the session
(with the section versions it was checked against) for PENDING_MINUTES, and saved section by
section through report_section_save when the filler confirms.
"""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.http import GET_OR_POST

from ..errors import ReportError, SectionConflict
from ..excel import upload as excel_upload
from ..excel.template import report_workbook, workbook_filename
from ..permissions import is_report_filler
from ..selectors import reports_visible_to

PENDING_MINUTES = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request, pk):
    """Another body's report is a 404; a reviewer may not upload (403); the body's filler is told
    when the report is not editable."""
    return get_object_or_404(reports_visible_to(request.user), pk=pk)


def _editable(request, report) -> bool:
    if request.user.has_perm("reports.edit_report", report):
        return True
    if not is_report_filler(request.user, report):
        raise PermissionDenied("只有本单位的填报人可以上传统计表。")
    messages.error(request, f"报告当前状态为“{report.get_status_display()}”，不能上传统计表。")
    return False


def _key(report) -> str:
    return f"excel_upload:{report.pk}"


def _pending(request, report):
    pending = request.session.get(_key(report))
    if not pending or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
        request.session.pop(_key(report), None)
        return None
    return pending


@login_required
@require_safe
def download(request, pk):
    report = _report(request, pk)
    if not request.user.has_perm("reports.view_report", report):
        raise PermissionDenied("您无权查看这份报告。")
    response = HttpResponse(report_workbook(report), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, workbook_filename(report))
    return response


@login_required
@require_http_methods(GET_OR_POST)
def upload(request, pk):
    report = _report(request, pk)
    if not _editable(request, report):
        return redirect("reports:overview", pk=report.pk)
    if request.method != "POST":
        return render(request, "reports/excel/upload.html", {"report": report, "max_mb": 2})
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, "请选择要上传的 .xlsx 文件。")
        return redirect("reports:excel_upload", pk=report.pk)
    if uploaded.size > excel_upload.MAX_UPLOAD_BYTES:
        messages.error(request, "文件过大（不能超过 2 MB），请上传本系统下载的统计表模板。")
        return redirect("reports:excel_upload", pk=report.pk)
    try:
        cells = excel_upload.read_upload(report, uploaded.read(excel_upload.MAX_UPLOAD_BYTES + 1))
    except ReportError as error:
        messages.error(request, error.message)
        return redirect("reports:excel_upload", pk=report.pk)
    preview = excel_upload.upload_preview(report, cells)
    request.session[_key(report)] = {"cells": cells, "versions": preview.versions, "at": time.time(),
                                     "name": uploaded.name[:100]}
    return redirect("reports:excel_preview", pk=report.pk)


@login_required
@require_safe
def preview(request, pk):
    report = _report(request, pk)
    if not _editable(request, report):
        return redirect("reports:overview", pk=report.pk)
    pending = _pending(request, report)
    if pending is None:
        messages.warning(request, "没有待确认的上传（或已超过 30 分钟），请重新上传。")
        return redirect("reports:excel_upload", pk=report.pk)
    result = excel_upload.upload_preview(report, pending["cells"])
    stale = result.versions != {k: int(v) for k, v in pending["versions"].items()}
    return render(request, "reports/excel/preview.html", {
        "report": report, "preview": result, "name": pending.get("name", ""), "stale": stale,
        "can_confirm": bool(result.changes) and not result.invalid and not stale,
    })


@login_required
@require_POST
def confirm(request, pk):
    report = _report(request, pk)
    if not _editable(request, report):
        return redirect("reports:overview", pk=report.pk)
    pending = _pending(request, report)
    request.session.pop(_key(report), None)
    if request.POST.get("action") == "cancel":
        messages.info(request, "已取消，没有保存上传的统计表。")
        return redirect("reports:overview", pk=report.pk)
    if pending is None:
        messages.warning(request, "没有待确认的上传（或已超过 30 分钟），请重新上传。")
        return redirect("reports:excel_upload", pk=report.pk)
    try:
        saved = excel_upload.upload_apply(report=report, uploaded=pending["cells"],
                                   base_versions=pending["versions"], by=request.user, request=request)
    except SectionConflict as conflict:
        messages.error(request, f"没有保存：{conflict.message.split('您的修改尚未保存')[0]}请重新上传统计表。")
        return redirect("reports:excel_upload", pk=report.pk)
    except ReportError as error:
        messages.error(request, error.message)
        return redirect("reports:overview", pk=report.pk)
    messages.success(request, f"已按上传的统计表保存 {len(saved)} 个部分。" if saved else "内容没有变化。")
    return redirect("reports:overview", pk=report.pk)
