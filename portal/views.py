"""The public portal: no login. Reads through portal.selectors and portal.finding only (published data).

Pages and open data may be cached by browsers and proxies, but are revalidated on every use
(Cache-Control: public, no-cache, with an ETag and Last-Modified from selectors.portal_state), so
that a correction shows at once and an unchanged page costs a 304. A PDF version never changes:
it is cached for a week, validated by its SHA-256; so is its Word copy (.docx).
"""

import hashlib
from calendar import timegm
from functools import wraps
from urllib.parse import quote, urlencode

import structlog
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from agencies.models import BodyKind
from config.forms import search_text
from config.storage import STORE_ERRORS
from reports.graphic.files import CONTENT_TYPES, graphic_file
from reports.publishing.word import CONTENT_TYPE as WORD_CONTENT_TYPE

from . import finding, opendata, selectors
from .feeds import PublicationsFeed
from .graphic import PublicGraphic, public_graphic, version_graphic

log = structlog.get_logger(__name__)

FILE_MAX_AGE = 7 * 24 * 3600  # a published version never changes
PAGE_SIZE = 50  # reports on one page of a year (a city has thousands)


def _state(request):
    if not hasattr(request, "_portal_state"):
        request._portal_state = selectors.portal_state()
    return request._portal_state


def _etag(request, *args, **kwargs) -> str:
    """The portal's state, told apart per URL (a page and its data never share a validator)."""
    return '"' + hashlib.sha256(f"{_state(request).tag} {request.get_full_path()}".encode()).hexdigest()[:32] + '"'


def revalidated(view):
    """A public page: cacheable, revalidated every time (304 while nothing was published since)."""
    conditional = condition(etag_func=_etag,
                            last_modified_func=lambda request, *args, **kwargs: _state(request).last_change)(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, no_cache=True)
        last_change = _state(request).last_change
        if response.status_code == 200 and last_change is not None:
            # The validator that the next request is checked against: the portal's state. The Atom feed
            # sets its own (its newest entry), which is older once anything else changed since.
            response["Last-Modified"] = http_date(timegm(last_change.utctimetuple()))
        return response

    return wrapper


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
@revalidated
def home(request):
    years = selectors.years()
    year = _int(request.GET.get("year")) or selectors.current_year()
    if year not in years:
        year = selectors.current_year()
    kind = request.GET.get("kind", "")
    query = search_text(request.GET.get("q", ""))
    districts = selectors.districts()
    district = request.GET.get("district", "")
    if district not in {d.code for d in districts}:
        district = ""
    items, page, published = [], None, 0
    if year:
        reports = selectors.year_reports(year=year, kind=kind, district=district)
        found = finding.year_search(year=year, kind=kind, query=query, district=district,
                                      page=request.GET.get("page"), per_page=PAGE_SIZE) if query else None
        page = Paginator(found if found else reports, PAGE_SIZE).get_page(request.GET.get("page"))
        items = found.page(list(page.object_list)) if found else selectors.listed(page.object_list)
        published = found.published if found else selectors.published_count(reports)
    return render(request, "portal/home.html", {
        "years": years, "year": year, "kind": kind, "query": query, "kinds": BodyKind.choices, "items": items,
        "districts": districts if len(districts) > 1 else [], "district": district,
        "page": page, "published_count": published,
        "page_query": urlencode({k: v for k, v in (("year", year), ("district", district), ("kind", kind), ("q", query))
                                 if v}),
    })


@require_safe
@revalidated
def report(request, pk):
    item = selectors.public_report(pk)
    if item is None:
        raise Http404("没有这份已发布的报告。")
    return render(request, "portal/report.html", {"item": item, "document": item.document(),
                                                  "graphic": public_graphic(item)})


def _graphic_response(graphic: PublicGraphic | None, ext: str) -> HttpResponse:
    """The 图解 as SVG (shown inline), or PNG / PDF (downloaded under the report's name)."""
    if graphic is None or ext not in CONTENT_TYPES:
        raise Http404("没有这份已发布报告的图解。")
    response = HttpResponse(graphic_file(ext, graphic.svg, title=graphic.title, key=graphic.key),
                            content_type=CONTENT_TYPES[ext])
    disposition = "inline" if ext == "svg" else "attachment"
    response["Content-Disposition"] = (f"{disposition}; filename=\"{graphic.ascii_stem}.{ext}\"; "
                                       f"filename*=UTF-8''{quote(graphic.filename_stem + '.' + ext)}")
    return response


@require_safe
@revalidated
def graphic(request, pk, ext):
    """The current version's 图解 (imported history: drawn from its content). Revalidated like the
    pages: it also shows the previous year's report, which a correction may change."""
    item = selectors.public_report(pk)
    return _graphic_response(public_graphic(item) if item is not None else None, ext)


@require_safe
@revalidated
def graphic_version(request, pk, version, ext):
    return _graphic_response(version_graphic(pk, version), ext)


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
    return _stored_download(request, found, found.file, size=found.size, filename=found.filename,
                            suffix="pdf", content_type="application/pdf")


def _stored_download(request, found, stored, *, size, filename: str, suffix: str, content_type: str):
    """A published version's file from the shared store, streamed with its length; a missing object
    is a 404 page that says so, a store that does not answer a 503 (never a server error)."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        log.error("stored_file_missing", report=found.report_id, version=found.version, name=stored.name)
        return _file_unavailable(request, found, 404, f"{filename}的文件在文件存储中找不到。"
                                 "已记录此问题，请稍后再试，或告知本区政府信息公开工作机构。")
    except STORE_ERRORS as error:  # the shared store does not answer: nothing is wrong with the file
        log.error("stored_file_unavailable", report=found.report_id, version=found.version,
                  error=f"{type(error).__name__}: {error}"[:300])
        return _file_unavailable(request, found, 503, "文件存储暂时无法访问，请稍后再试。")
    response = FileResponse(handle, content_type=content_type)
    response["Content-Length"] = str(size)
    ascii_name = f"nianbao-{found.report.year}-{found.report.body.code}-v{found.version}.{suffix}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}")
    patch_cache_control(response, public=True, max_age=FILE_MAX_AGE)
    return response


def _docx_etag(request, pk, version):
    found = selectors.public_version(pk, version)
    return f'"{found.docx_sha256}"' if found and found.docx_sha256 else None


def _docx_modified(request, pk, version):
    found = selectors.public_version(pk, version)
    return found.published_at if found and found.docx_sha256 else None


@require_safe
@condition(etag_func=_docx_etag, last_modified_func=_docx_modified)
def docx(request, pk, version):
    """The version's Word copy (.docx), cached like its PDF; made on this first request if the version
    was published before Word copies existed."""
    found = selectors.public_word_copy(pk, version)
    if found is None:
        raise Http404("没有这个版本的 Word 文件。")
    response = _stored_download(request, found, found.docx, size=found.docx_size, filename=found.docx_filename,
                                suffix="docx", content_type=WORD_CONTENT_TYPE)
    if response.status_code == 200:
        response["ETag"] = f'"{found.docx_sha256}"'
    return response


def _file_unavailable(request, pdf, status: int, message: str) -> HttpResponse:
    response = render(request, "portal/file_missing.html", {"pdf": pdf, "status": status, "message": message},
                      status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@revalidated
def report_json(request, pk):
    item = selectors.public_report(pk)
    if item is None:
        raise Http404("没有这份已发布的报告。")
    return JsonResponse(opendata.report_json(item), json_dumps_params={"ensure_ascii": False, "indent": 1})


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_safe
@revalidated
def report_csv(request, pk):
    item = selectors.public_report(pk)
    if item is None:
        raise Http404("没有这份已发布的报告。")
    return _csv_response(opendata.report_csv(item), f"{item.report.title}-统计数据.csv")


@require_safe
@revalidated
def year_csv(request, year):
    items = selectors.published_in_year(year)
    if not items:
        raise Http404("这一年度没有已发布的报告。")
    return _csv_response(opendata.year_csv(items), f"{year}年度政府信息公开工作年度报告统计数据.csv")


@require_safe
@revalidated
def archive(request):
    return render(request, "portal/archive.html", {"archive": selectors.archive()})


@require_safe
@revalidated
def sitemap(request):
    return render(request, "portal/sitemap.xml", {"items": selectors.published_reports_for_sitemap(),
                                                  "years": selectors.years()},
                  content_type="application/xml; charset=utf-8")


feed = require_safe(revalidated(PublicationsFeed()))  # the Atom feed, revalidated like the pages
