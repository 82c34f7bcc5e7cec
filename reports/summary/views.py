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
from ..publishing.document import SectionView, table_view
from .comparison import year_flags
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
    fmt = summary.format
    sections = [SectionView(s.key, s.number, s.title, [table_view(fmt, t, summary.sums, link=link) for t in s.tables])
                for s in fmt.sections if s.tables]
    return {"reporting_year": reporting_year, "summary": summary, "basis": basis, "bases": BASES,
            "sections": sections}


@login_required
@require_safe
def summary_page(request, pk):
    from ..district_report.models import district_report_deadline
    from ..district_report.selectors import district_report_of

    reporting_year = year_for(request, pk, read_only=True)
    basis = requested_basis(request)
    context = summary_context(reporting_year, basis, links=True)
    context["comparison"] = bodies_graphic(reporting_year, basis)
    context["district_report"] = district_report_of(reporting_year)
    context["district_report_deadline"] = district_report_deadline(reporting_year.year)
    context["can_manage"] = manages(request, reporting_year)
    return render(request, "reports/summary/summary.html", context)


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


def _filename(reporting_year, basis, ext):
    return f"district-summary-{reporting_year.year}{'-approved' if basis == 'approved' else ''}.{ext}"


@login_required
@require_safe
def summary_xlsx(request, pk):
    reporting_year = year_for(request, pk, read_only=True)
    basis = requested_basis(request)
    response = HttpResponse(summary_workbook(district_summary(reporting_year, basis=basis)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(reporting_year, basis, "xlsx")}"'
    return response


def summary_pdf_bytes(reporting_year, basis) -> bytes:
    from ..publishing.pdf import render_to_pdf  # lazily: only this download needs WeasyPrint

    _html, pdf = render_to_pdf("reports/summary/summary_pdf.html", summary_context(reporting_year, basis))
    return pdf


@login_required
@require_safe
def summary_pdf(request, pk):
    reporting_year = year_for(request, pk, read_only=True)
    basis = requested_basis(request)
    response = HttpResponse(summary_pdf_bytes(reporting_year, basis), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(reporting_year, basis, "pdf")}"'
    return response


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
