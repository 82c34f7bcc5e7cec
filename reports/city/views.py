"""The 市管理员's pages: the city's districts with their boards and summaries, and the city's summary
of a year with each cell's drill-down to the districts. Read only: every change stays with the
district's own administrators. Anyone without the role is refused (403); another city is not found."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from agencies.models import City
from agencies.selectors import user_roles

from ..publishing.document import SectionView, table_view
from ..summary.summary import BASES
from ..summary.views import requested_basis
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
    fmt = result.format
    sections = [SectionView(s.key, s.number, s.title, [table_view(fmt, t, result.sums, link=link) for t in s.tables])
                for s in fmt.sections if s.tables]
    return render(request, "reports/city/summary.html", {
        "city": city, "year": year, "summary": result, "basis": basis, "bases": BASES, "sections": sections,
    })


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
