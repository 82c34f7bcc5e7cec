"""The district summary pages: the summary of a year (published or approved reports), the
drill-down of one cell, and the XLSX and PDF downloads. Only the district's 区管理员."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ..district.selectors import district_years
from ..district.views import admin_districts, year_for
from .layout import summary_tables
from .summary import BASES, cell_breakdown, district_summary
from .workbook import summary_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _basis(request) -> str:
    basis = request.GET.get("basis", "published")
    return basis if basis in BASES else "published"


@login_required
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
            "tables": summary_tables(summary.format, summary.sums, link=link)}


@login_required
def summary_page(request, pk):
    reporting_year = year_for(request, pk)
    return render(request, "reports/summary/summary.html",
                  summary_context(reporting_year, _basis(request), links=True))


@login_required
def drilldown(request, pk, cell_id):
    reporting_year = year_for(request, pk)
    basis = _basis(request)
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
def summary_xlsx(request, pk):
    reporting_year = year_for(request, pk)
    basis = _basis(request)
    response = HttpResponse(summary_workbook(district_summary(reporting_year, basis=basis)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(reporting_year, basis, "xlsx")}"'
    return response


def summary_pdf_bytes(reporting_year, basis) -> bytes:
    from ..publishing.pdf import render_to_pdf  # lazily: only this download needs WeasyPrint

    _html, pdf = render_to_pdf("reports/summary/summary_pdf.html", summary_context(reporting_year, basis))
    return pdf


@login_required
def summary_pdf(request, pk):
    reporting_year = year_for(request, pk)
    basis = _basis(request)
    response = HttpResponse(summary_pdf_bytes(reporting_year, basis), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(reporting_year, basis, "pdf")}"'
    return response
