"""The 市管理员's pages: the city's districts with their boards and summaries, and the city's summary
of a year with each cell's drill-down to the districts and its XLSX and PDF (the district summary's
own, reports/summary/document.py). Read only: every change stays with the district's own
administrators. Anyone without the role is refused (403); another city is not found."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agencies.models import City
from agencies.selectors import user_roles

from ..summary.document import summary_sections
from ..summary.summary import BASES
from ..summary.views import requested_basis, summary_download
from .selectors import city_reporting_years, city_summary, city_years


def _cities(request):
    if not request.user.has_perm("agencies.view_city"):
        raise PermissionDenied("只有市管理员可以访问此页面。")
    return City.objects.filter(pk__in=user_roles(request.user).cities).order_by("code")



@login_required
@require_safe
def home(request):
    cities = []
    for city in _cities(request):
        years = [(year, list(city_reporting_years(city, year))) for year in city_years(city)]
        cities.append({"city": city, "districts": list(city.districts.order_by("code")), "years": years})
    return render(request, "reports/city/home.html", {"cities": cities})


@login_required
@require_safe
def summary(request, code, year):
    city = get_object_or_404(_cities(request), code=code)
    basis = requested_basis(request)
    result = city_summary(city, year, basis=basis)
    if not result.districts:
        raise Http404("本市没有这一报告年度。")
    link = reverse("city:drilldown", args=[city.code, year, "CELL"]).replace("CELL", "{cell}") + f"?basis={basis}"
    return render(request, "reports/city/summary.html", {
        "city": city, "year": year, "summary": result, "basis": basis, "bases": BASES,
        "sections": summary_sections(result, link=link),
    })


def _download(request, code, year, ext):
    city = get_object_or_404(_cities(request), code=code)
    basis = request.GET.get("basis", "published")
    if basis not in BASES:
        messages.error(request, "没有这个汇总范围，请在页面上选择后再下载。")
        return redirect("city:summary", city.code, year)
    result = city_summary(city, year, basis=basis)
    if not result.districts:
        raise Http404("本市没有这一报告年度。")
    return summary_download(result, f"city-summary-{city.code}", ext)


@login_required
@require_safe
def summary_xlsx(request, code, year):
    return _download(request, code, year, "xlsx")


@login_required
@require_safe
def summary_pdf(request, code, year):
    return _download(request, code, year, "pdf")


@login_required
@require_safe
def drilldown(request, code, year, cell_id):
    city = get_object_or_404(_cities(request), code=code)
    basis = requested_basis(request)
    result = city_summary(city, year, basis=basis)
    if not result.districts or cell_id not in result.format.cells():
        raise Http404("没有这个单元格。")
    cell = result.format.cell(cell_id)
    rows = [{"district": d.reporting_year.district, "year_pk": d.reporting_year.pk, "text": d.text(cell_id)}
            for d in result.districts]
    return render(request, "reports/city/drilldown.html", {
        "city": city, "year": year, "cell": cell, "cell_id": cell_id, "rows": rows, "total": result.text(cell_id),
        "basis": basis,
    })
