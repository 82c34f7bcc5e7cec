"""The district summary pages: the summary of a year (published or approved reports), the
drill-down of one cell, the XLSX and PDF downloads, and the list of bodies flagged for 内容雷同 or
large year-over-year changes. Only the district's 区管理员."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ..district.selectors import district_years
from ..district.views import admin_districts, manages, year_for
from ..graphic.draw import comparison_svg
from ..graphic.explainer import bodies_comparison
from .comparison import year_flags
from .document import summary_filename, summary_pdf_bytes, summary_sections
from .kept import summary_figures
from .summary import BASES, all_bodies_values, cell_breakdown, district_summary
from .workbook import summary_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def requested_basis(request) -> str:
    basis = request.GET.get("basis", "published")
    return basis if basis in BASES else "published"


@login_required
@require_safe
def latest(request):
    """The navigation's 汇总: the summary of the latest year."""
    year = district_years(admin_districts(request)).first()
    if year is None:
        messages.info(request, "还没有开启任何报告年度。")
        return redirect("district:years")
    return redirect("summary:summary", pk=year.pk)


def summary_context(reporting_year, basis, *, links=False):
    summary = district_summary(reporting_year, basis=basis)
    link = ""
    if links:
        link = reverse("summary:drilldown", args=[reporting_year.pk, "CELL"]).replace("CELL", "{cell}")
        link += f"?basis={basis}"
    return {"reporting_year": reporting_year, "summary": summary, "basis": basis, "bases": BASES,
            "sections": summary_sections(summary, link=link)}


@login_required
@require_safe
def summary_page(request, pk):
    from ..district_report.models import district_report_deadline
    from ..district_report.selectors import district_report_of

    reporting_year = year_for(request, pk, read_only=True)
    basis = requested_basis(request)
    return render(request, "reports/summary/summary.html", {
        "reporting_year": reporting_year, "basis": basis, "bases": BASES,
        "figures": summary_figures(reporting_year, basis, lambda: {
            **summary_context(reporting_year, basis, links=True), "comparison": bodies_graphic(reporting_year, basis)}),
        "district_report": district_report_of(reporting_year),
        "district_report_deadline": district_report_deadline(reporting_year.year),
        "can_manage": manages(request, reporting_year),
    })


def bodies_graphic(reporting_year, basis) -> dict:
    """图解 of the summary: the bodies summed, compared (SVG and the charts' data for its tables)."""
    charts = bodies_comparison(reporting_year.format, all_bodies_values(reporting_year, basis=basis))
    title = f"{reporting_year.district.name}{reporting_year.year}年度各单位比较"
    return {"charts": charts, "title": title, "svg": comparison_svg(charts, title=title)}


@login_required
@require_safe
def drilldown(request, pk, cell_id):
    reporting_year = year_for(request, pk, read_only=True)
    basis = requested_basis(request)
    fmt = reporting_year.format
    if cell_id not in fmt.cells():
        raise Http404("没有这个单元格。")
    summary = district_summary(reporting_year, basis=basis)
    return render(request, "reports/summary/drilldown.html", {
        "reporting_year": reporting_year, "cell": fmt.cell(cell_id), "basis": basis,
        "values": cell_breakdown(reporting_year, cell_id, basis=basis), "total": summary.text(cell_id),
        "summary": summary,
    })


def summary_download(summary, prefix: str, ext: str) -> HttpResponse:
    """The summary's XLSX or PDF as an attachment (the PDF rendered in the request, as a page is)."""
    if ext == "xlsx":
        response = HttpResponse(summary_workbook(summary), content_type=XLSX)
    else:
        response = HttpResponse(summary_pdf_bytes(summary), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{summary_filename(prefix, summary, ext)}"'
    return response


@login_required
@require_safe
def summary_xlsx(request, pk):
    reporting_year = year_for(request, pk, read_only=True)
    return summary_download(district_summary(reporting_year, basis=requested_basis(request)),
                            "district-summary", "xlsx")


@login_required
@require_safe
def summary_pdf(request, pk):
    reporting_year = year_for(request, pk, read_only=True)
    return summary_download(district_summary(reporting_year, basis=requested_basis(request)),
                            "district-summary", "pdf")


@login_required
@require_safe
def flags(request, pk):
    """Every report of the year flagged for 内容雷同 or a large change against last year."""
    reporting_year = year_for(request, pk, read_only=True)
    flagged = year_flags(reporting_year)
    return render(request, "reports/summary/flags.html", {
        "reporting_year": reporting_year, "flagged": flagged, "can_manage": manages(request, reporting_year),
        "similar_count": sum(1 for c in flagged if c.similar),
        "changed_count": sum(1 for c in flagged if c.flagged_cells),
    })
