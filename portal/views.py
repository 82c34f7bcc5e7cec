"""The public portal: no login. Reads through portal.selectors only (published data)."""

import hashlib
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from agencies.models import BodyKind

from . import opendata, selectors

PAGE_MAX_AGE = 300  # pages: five minutes
FILE_MAX_AGE = 7 * 24 * 3600  # a published version never changes


def _last_modified(request, *args, **kwargs):
    return selectors.last_publication_time()


def _public(response, max_age=PAGE_MAX_AGE):
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_safe
def site_root(request):
    """"/": the portal for the public; signed-in staff go to their workspace."""
    if request.user.is_authenticated:
        return redirect("workspace")
    return home(request)


@require_safe
def home(request):
    years = selectors.years()
    year = _int(request.GET.get("year")) or selectors.current_year()
    if year not in years:
        year = selectors.current_year()
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()[:100]
    items = selectors.year_overview(year=year, kind=kind, query=query) if year else []
    response = render(request, "portal/home.html", {
        "years": years, "year": year, "kind": kind, "query": query, "kinds": BodyKind.choices, "items": items,
        "published_count": sum(1 for i in items if i.published),
    })
    return _public(response)


@require_safe
def report(request, pk):
    item = selectors.public_report(pk)
    if item is None:
        raise Http404("没有这份已发布的报告。")
    response = render(request, "portal/report.html", {"item": item, "document": item.document()})
    if item.published_at:
        response["Last-Modified"] = _http_date(item.published_at)
    return _public(response)


def _pdf_etag(request, pk, version):
    pdf = selectors.public_version(pk, version)
    return f'"{pdf.sha256}"' if pdf else None


def _pdf_modified(request, pk, version):
    pdf = selectors.public_version(pk, version)
    return pdf.published_at if pdf else None


@require_safe
@condition(etag_func=_pdf_etag, last_modified_func=_pdf_modified)
def pdf(request, pk, version):
    found = selectors.public_version(pk, version)
    if found is None:
        raise Http404("没有这个版本的 PDF。")
    response = FileResponse(found.file.open("rb"), content_type="application/pdf")
    response["Content-Length"] = str(found.size)
    ascii_name = f"nianbao-{found.report.year}-{found.report.body.code}-v{found.version}.pdf"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.filename)}")
    return _public(response, FILE_MAX_AGE)


def _data_etag(request, pk, fmt=None):
    item = selectors.public_report(pk)
    if item is None:
        return None
    marker = item.current.sha256 if item.current else f"imported-{item.report.updated_at.isoformat()}"
    return f'"{hashlib.sha256(f"{marker}-{fmt}".encode()).hexdigest()[:32]}"'


@require_safe
@condition(etag_func=lambda r, pk: _data_etag(r, pk, "json"))
def report_json(request, pk):
    item = selectors.public_report(pk)
    if item is None:
        raise Http404("没有这份已发布的报告。")
    response = JsonResponse(opendata.report_json(item), json_dumps_params={"ensure_ascii": False, "indent": 1})
    return _public(response)


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return _public(response)


@require_safe
@condition(etag_func=lambda r, pk: _data_etag(r, pk, "csv"))
def report_csv(request, pk):
    item = selectors.public_report(pk)
    if item is None:
        raise Http404("没有这份已发布的报告。")
    return _csv_response(opendata.report_csv(item), f"{item.report.title}-统计数据.csv")


@require_safe
@condition(last_modified_func=lambda r, year: _last_modified(r))
def year_csv(request, year):
    items = selectors.published_in_year(year)
    if not items:
        raise Http404("这一年度没有已发布的报告。")
    return _csv_response(opendata.year_csv(items), f"{year}年度政府信息公开工作年度报告统计数据.csv")


@require_safe
def archive(request):
    return _public(render(request, "portal/archive.html", {"archive": selectors.archive()}))


@require_safe
@condition(last_modified_func=_last_modified)
def sitemap(request):
    items = [item for _, year_items in selectors.archive() for item in year_items]
    response = render(request, "portal/sitemap.xml", {"items": items, "years": selectors.years()},
                      content_type="application/xml; charset=utf-8")
    return _public(response)


def _http_date(moment):
    from django.utils.http import http_date

    return http_date(moment.timestamp())

