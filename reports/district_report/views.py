"""The 区管理员's pages of the district report: starting it from the summary, and its own page
(what it was compiled from, with each figure's drill-down; its reviewers; later corrections of the
bodies' reports). Editing, review and publication are the pages of any report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from config.forms import ActionForm
from config.http import GET_OR_POST

from ..district.views import admin_districts, year_for
from ..errors import ReportError
from ..formats.cells import from_json_value
from ..publishing.document import SectionView, table_view
from .models import DistrictReport
from .selectors import reviewers, start_preview
from .services import district_report_start


class StartForm(ActionForm):
    submit_label = "开始编制"
    form_id = "district-report-start"


@login_required
@require_http_methods(GET_OR_POST)
def start(request, pk):
    reporting_year = year_for(request, pk)
    preview = start_preview(reporting_year)
    if preview.existing is not None:
        messages.info(request, f"{reporting_year.year}年度区政府年度报告已经开始编制。")
        return redirect("district_report:detail", pk=preview.existing.pk)
    if request.method == "POST":
        try:
            started = district_report_start(reporting_year=reporting_year, by=request.user)
        except ReportError as error:
            messages.error(request, error.message)
            return redirect("district_report:start", pk=reporting_year.pk)
        messages.success(request, f"已开始编制{started.report.title}：统计数据已由区级汇总预填，文字部分已生成草稿。")
        return redirect("district_report:detail", pk=started.pk)
    form = StartForm(action=reverse("district_report:start", args=[reporting_year.pk]))
    return render(request, "reports/district_report/start.html", {"preview": preview, "form": form,
                                                                  "reporting_year": reporting_year})


@login_required
@require_safe
def detail(request, pk):
    districts = admin_districts(request)
    started = get_object_or_404(
        DistrictReport.objects.select_related("report", "report__body", "reporting_year__district", "started_by"),
        pk=pk, reporting_year__district_id__in=districts)
    reporting_year = started.reporting_year
    fmt = reporting_year.format
    values = {c: from_json_value(fmt.cell(c).type, v) for c, v in started.prefill.items() if c in fmt.cells()}
    link = reverse("summary:drilldown", args=[reporting_year.pk, "CELL"]).replace("CELL", "{cell}")
    sections = [SectionView(s.key, s.number, s.title, [table_view(fmt, t, values, link=link) for t in s.tables])
                for s in fmt.sections if s.tables]
    return render(request, "reports/district_report/detail.html", {
        "started": started, "report": started.report, "reporting_year": reporting_year, "sections": sections,
        "reviewers": reviewers(started.report.body), "changes": list(started.changes.select_related("source")),
    })
