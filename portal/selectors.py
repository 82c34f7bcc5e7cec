"""What the public may read: published versions (their snapshot and PDF) and imported history.

Nothing here reads a draft: a report appears through a ReportPdf version that is done (its
snapshot, frozen when it was published), or, for history imported from earlier publications,
through its imported content. A report being corrected keeps showing its last published version.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Length, Replace, Upper
from django.db.models.lookups import BuiltinLookup, GreaterThan, IContains, Lookup
from django.utils import timezone

from agencies.models import BodyKind, District
from reports.formats import get_format
from reports.models import AnnualReport, ReportingYear, ReportStatus
from reports.publishing.copies import docx_ensure
from reports.publishing.document import AnnualReportDocument
from reports.publishing.models import ReportPdf
from reports.publishing.search import format_text, search_text
from reports.publishing.snapshot import snapshot_document
from reports.selectors import ReportContent

from . import search

DONE = ReportPdf.Status.DONE
RANK_LIMIT = 500  # found reports ranked by how often the words occur; more are listed in the portal's order


@dataclass
class PublicReport:
    report: AnnualReport
    versions: list[ReportPdf] = field(default_factory=list)  # done versions, oldest first
    hit: search.Hit | None = None  # why a search found it, with the snippet to show

    @property
    def current(self) -> ReportPdf | None:
        return self.versions[-1] if self.versions else None

    @property
    def published(self) -> bool:
        return bool(self.versions) or (self.report.imported and self.report.status == ReportStatus.PUBLISHED)

    @property
    def published_at(self) -> datetime | None:
        """Imported history: its original publication date (midnight, local time), or None (shown as
        历史导入), never the day of the import or of its PDF's rendering."""
        if self.report.imported:
            day = self.report.published_on
            return timezone.make_aware(datetime.combine(day, time())) if day else None
        return self.current.published_at if self.current else None

    @property
    def first_published_at(self) -> datetime | None:
        return self.versions[0].published_at if self.versions else None

    @property
    def corrections(self) -> list[ReportPdf]:
        return [v for v in self.versions if v.version > 1]

    def document(self) -> AnnualReportDocument:
        if self.current is not None:
            return snapshot_document(self.report, self.current.content)
        return AnnualReportDocument(self.report, ReportContent.of(self.report))  # imported history

    def values(self) -> dict:
        """Statistics by canonical cell id, as JSON values (money as decimal strings)."""
        if self.current is not None:
            return dict(self.current.content.get("values", {}))
        values = {}
        for section in self.report.sections.all():
            values.update(section.values)
        return values


def _with_versions(reports, *, light: bool = False) -> list[PublicReport]:
    reports = list(reports)
    by_report: dict[int, list[ReportPdf]] = {r.pk: [] for r in reports}
    versions = ReportPdf.objects.filter(report__in=reports, status=DONE).order_by("version")
    if light:
        versions = versions.defer("content", "search_text")
    for pdf in versions:
        by_report[pdf.report_id].append(pdf)
    return [PublicReport(r, by_report[r.pk]) for r in reports]


def _public_q() -> Q:
    return Q(pdf_versions__status=DONE) | Q(imported=True, status=ReportStatus.PUBLISHED)


def _base():
    """In the portal's order: by year, district, the district government's own report (区政府年度报告)
    first, then the bodies."""
    government_first = Case(When(body__kind=BodyKind.DISTRICT_GOVERNMENT, then=Value(0)), default=Value(1))
    return AnnualReport.objects.select_related("reporting_year__district", "body").order_by(
        "-reporting_year__year", "reporting_year__district__code", government_first, "body__kind",
        "body__sort_order", "body__code")


def years() -> list[int]:
    return sorted(set(ReportingYear.objects.values_list("year", flat=True)), reverse=True)


def current_year() -> int | None:
    """The latest year anything was published for (reports on 2025 are published in early 2026);
    before the first publication of a new season the public still sees last season's reports."""
    published = (AnnualReport.objects.filter(_public_q()).order_by("-reporting_year__year")
                 .values_list("reporting_year__year", flat=True).first())
    if published is not None:
        return published
    found = years()
    return found[0] if found else None


def districts() -> list[District]:
    """The districts that have opened a year: a city's portal lets the public choose one."""
    return list(District.objects.filter(reporting_years__isnull=False).distinct().order_by("code"))


def year_reports(*, year: int, kind: str = "", district: str = ""):
    """Every body's report of a year, published or not (an unpublished one shows only 未发布), in the
    portal's order; of one district when its code is given, else of every district (the city's view).
    A queryset: the page shows one page of it (`listed`)."""
    return _of_year(year, kind, district)


def published_count(reports) -> int:
    return reports.filter(_public_q()).distinct().count()


def listed(reports) -> list[PublicReport]:
    """One page of reports with their versions, without the versions' snapshots (a list shows none)."""
    return _with_versions(reports, light=True)


def _of_year(year: int, kind: str, district: str = ""):
    reports = _base().filter(reporting_year__year=year)
    if kind in BodyKind.values:
        reports = reports.filter(body__kind=kind)
    if district:
        reports = reports.filter(reporting_year__district__code=district)
    return reports


def _current_versions():
    """The done version of each report that no later done version replaces."""
    later = ReportPdf.objects.filter(report=OuterRef("report"), status=DONE, version__gt=OuterRef("version"))
    return ReportPdf.objects.filter(status=DONE).exclude(Exists(later))


def _has_done() -> Exists:
    return Exists(ReportPdf.objects.filter(report=OuterRef("pk"), status=DONE))


def _published() -> Q:
    """Of a report in a query of reports: published (a done version, or imported history)."""
    return Q(_has_done()) | Q(imported=True, status=ReportStatus.PUBLISHED)


def _uncased(word: str) -> bool:
    return word.upper() == word.lower()


class _ILike(IContains):
    """icontains as PostgreSQL's ILIKE, which the trigram index on the plain text answers (Django's
    icontains, UPPER(text) LIKE UPPER(…), would need an index of UPPER(text)); elsewhere icontains."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = super(BuiltinLookup, self).process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", (*lhs_params, *rhs_params)


class _AnyOf(Lookup):
    """`id IN (…)` for thousands of ids: on PostgreSQL one array parameter (= ANY(%s::bigint[])), which
    the planner knows the length of, rather than thousands of parameters to build, send and parse."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(pk) for pk in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)
        if not self.rhs:
            return "0 = 1", tuple(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


def _holds(field: str, word: str) -> Q:
    """A Chinese word has no case: a plain LIKE, many times cheaper than folding the case of a long text."""
    return Q(**{f"{field}__contains": word}) if _uncased(word) else Q(_ILike(F(field), word))


def _folded(expression, word: str):
    expression = F(expression) if isinstance(expression, str) else expression
    return expression if _uncased(word) else Upper(expression)


@dataclass
class Search:
    """The reports found, best first, as a sequence of ids that a Paginator pages: one query gives the
    page asked for with how many were found and published (window functions over all found), and
    only that page is fetched. And what is needed to show why each was found."""

    words: list[str]
    found: QuerySet  # the reports found, by name first, then in the portal's order
    imported_texts: dict[int, str]
    number: object = 1  # the page asked for, as the Paginator reads it
    per_page: int = 50
    by_name: Q = field(default_factory=Q)  # found by the body's name (the others are published)
    pages: dict[int, list[int]] = field(default_factory=dict, init=False)  # the ids by where a page starts
    totals: tuple[int, int] | None = field(default=None, init=False)  # (found, published)

    def count(self) -> int:
        if self.totals is None:
            try:
                number = max(1, int(str(self.number)))
            except ValueError:
                number = 1
            self._fetch((number - 1) * self.per_page)
        if self.totals is None:  # a page past the last one was asked for: counted alone
            self.totals = tuple(self.found.aggregate(n=Count("pk"), p=Count("pk", filter=_published())).values())
        return self.totals[0]

    @property
    def published(self) -> int:
        self.count()
        return self.totals[1]

    def __getitem__(self, index: slice) -> list[int]:
        if index.start not in self.pages:
            self._fetch(index.start)
        return self.pages[index.start][:index.stop - index.start]

    def _fetch(self, start: int):
        """A page of ids, with the totals. The found are ranked by how often the words occur when
        there are at most RANK_LIMIT of them; beyond that it says nothing, and no text is read for it
        (PostgreSQL and SQLite evaluate a CASE's branches lazily)."""
        found = Window(Count("pk"))
        occurrences = [(Length("search_text") - Length(Replace(_folded("search_text", w), _folded(Value(w), w),
                                                               Value("")))) / len(w) for w in self.words]
        counted = _current_versions().order_by().filter(report=OuterRef("pk")).annotate(
            occurrences=sum(occurrences[1:], occurrences[0])).values("occurrences")[:1]
        order = list(self.found.query.order_by)
        rows = list(self.found.annotate(
            found=found, public=Window(Sum(Case(When(~self.by_name, then=Value(1)), When(_published(), then=Value(1)),
                                                default=Value(0)))),
            occurrences=Case(When(GreaterThan(found, RANK_LIMIT), then=Value(None)), default=Subquery(counted)),
        ).order_by(order[0], F("occurrences").desc(nulls_last=True), *order[1:]).values_list(
            "pk", "found", "public")[start:start + self.per_page])
        self.pages[start] = [row[0] for row in rows]
        if rows:
            self.totals = (rows[0][1], rows[0][2])
        elif start == 0:
            self.totals = (0, 0)

    def page(self, ids: list[int]) -> list[PublicReport]:
        order = {pk: index for index, pk in enumerate(ids)}
        reports = sorted(_base().filter(pk__in=ids), key=lambda report: order[report.pk])
        texts = dict(_current_versions().order_by().filter(report_id__in=ids).values_list("report_id", "search_text"))
        items = listed(reports)
        for item in items:
            text = texts.get(item.report.pk) or self.imported_texts.get(item.report.pk) or ""
            item.hit = search.hit(name=item.report.body_name, text=text, words=self.words)
        return items


def _by_text(reports: QuerySet, words: list[str], formats, by_name: Q) -> Q:
    """The reports whose current version's search text holds every word (of those not found by name:
    a body's name, in every report of the body, is found without reading thousands of texts).

    A word in the format's headings, captions or labels (format_text) is in every published version
    of the format: no text is read for it. The other words are looked for in the texts of the year's
    reports only, given as a list of ids, and the reports found are given as a list of ids to the
    queries that count and page them, so that no text is searched twice. The trigram index
    answers a word with three letters in a row (pg_trgm takes trigrams of runs of letters and
    digits; CJK characters are letters in the cluster's locale, C.UTF-8: show_trgm('政府信息公开')
    gives seven) without reading the texts that lack it; a two-character word (疫情) has no trigram
    and is read in each of the year's texts. Without the list the planner, which does not know what
    reading a long text costs, may read every year's texts instead."""
    by_rest: dict[tuple[str, ...], list[Q]] = {}
    for version, variant in formats:
        constant = format_text(get_format(version, variant or None)).casefold()
        rest = tuple(w for w in words if w.casefold() not in constant)
        by_rest.setdefault(rest, []).append(Q(reporting_year__format_version=version,
                                              reporting_year__format_variant=variant))
    found = []
    for rest, of_formats in by_rest.items():
        of_format = reduce(or_, of_formats)
        if not rest:
            found.append(of_format & Q(_has_done()))
            continue
        in_year = list(reports.filter(of_format).exclude(by_name).order_by().values_list("pk", flat=True))
        texts = _current_versions().filter(_AnyOf(F("report_id"), in_year))
        for word in rest:
            texts = texts.filter(_holds("search_text", word))
        found.append(Q(_AnyOf(F("pk"), list(texts.order_by().values_list("report_id", flat=True)))))
    return reduce(or_, found, Q(pk__in=[]))


def year_search(*, year: int, query: str, kind: str = "", district: str = "", page: object = 1,
                per_page: int = 50) -> Search | None:
    """The year's reports whose body name or published text holds every word of the query, best
    first: found by name, then by how often the words occur. None when the query has no words.

    At city scale (thousands of reports in a year) most texts are not read at all (see _by_text):
    the found are counted and paged in SQL, ranked by how often the words occur only when there are
    at most RANK_LIMIT of them (beyond that, it says nothing), and only the page shown is fetched.

    Only what was published is searched: the current version's search text, imported history not
    yet rendered by its stored text, and the body name of a report not yet published. Never a
    draft's text."""
    words = search.terms(query[:100])
    if not words:
        return None
    reports = _of_year(year, kind, district)
    by_name = Q()
    for word in words:
        by_name &= _holds("body_name", word) | _holds("body__name", word)
    unrendered = {r.pk: _text_of(r) for r in reports.filter(imported=True, status=ReportStatus.PUBLISHED).exclude(
        pdf_versions__status=DONE)}
    unrendered = {pk: text for pk, text in unrendered.items() if search.matches(text, words)}
    years = ReportingYear.objects.filter(year=year, **({"district__code": district} if district else {}))
    formats = set(years.values_list("format_version", "format_variant"))
    found = reports.filter(by_name | _by_text(reports, words, formats, by_name) | Q(pk__in=list(unrendered)))
    named = Case(When(by_name, then=Value(0)), default=Value(1))
    return Search(words, found.order_by(named, *reports.query.order_by), unrendered, page, per_page, by_name)


def _text_of(report: AnnualReport) -> str:
    return search_text(AnnualReportDocument(report, ReportContent.of(report)))


def public_report(pk: int) -> PublicReport | None:
    report = _base().filter(pk=pk).filter(_public_q()).distinct().first()
    return _with_versions([report])[0] if report else None


def public_version(pk: int, version: int) -> ReportPdf | None:
    return (ReportPdf.objects.select_related("report", "report__reporting_year", "report__body")
            .filter(report_id=pk, version=version, status=DONE).first())


def public_word_copy(pk: int, version: int) -> ReportPdf | None:
    """A done version with its Word copy; a version published before Word copies existed gets it
    now, once (reports.publishing.copies: the copy of what was published, nothing else)."""
    found = public_version(pk, version)
    return docx_ensure(found) if found is not None else None


def published_in_year(year: int) -> list[PublicReport]:
    return _with_versions(_base().filter(reporting_year__year=year).filter(_public_q()).distinct())


def archive() -> list[dict]:
    """Every year with how many reports of each district were published (imported history included):
    one row per year and district, whatever the number of reports (a city has tens of thousands)."""
    rows = (AnnualReport.objects.filter(_public_q()).values("reporting_year__year", "reporting_year__district__code",
                                                              "reporting_year__district__name")
            .annotate(count=Count("pk", distinct=True)).order_by("-reporting_year__year", "reporting_year__district__code"))
    years: dict[int, dict] = {}
    for row in rows:
        year = years.setdefault(row["reporting_year__year"], {"year": row["reporting_year__year"], "count": 0,
                                                               "districts": []})
        year["count"] += row["count"]
        year["districts"].append({"code": row["reporting_year__district__code"],
                                  "name": row["reporting_year__district__name"], "count": row["count"]})
    return list(years.values())


def published_reports_for_sitemap():
    """(id, year, last change) of every published report, without loading any report."""
    return (AnnualReport.objects.filter(_public_q()).distinct().order_by("-reporting_year__year", "pk")
            .annotate(changed=Max("pdf_versions__published_at")).values_list("pk", "reporting_year__year", "changed"))


def recent_publications(limit: int = 50) -> list[ReportPdf]:
    return list(ReportPdf.objects.filter(status=DONE).select_related(
        "report", "report__reporting_year", "report__body").order_by("-published_at")[:limit])


@dataclass(frozen=True)
class PortalState:
    """Everything the public pages are drawn from, summed up: `tag` changes whenever any page may
    (a publication, a correction's new version, an import, a new year or report); `last_change`
    is the latest of those moments."""

    tag: str
    last_change: datetime | None


def portal_state() -> PortalState:
    versions = ReportPdf.objects.filter(status=DONE).aggregate(last=Max("published_at"), n=Count("pk"))
    reports = AnnualReport.objects.aggregate(last=Max("updated_at"), n=Count("pk"))
    years = ReportingYear.objects.aggregate(last=Max("opened_at"), n=Count("pk"))
    parts = (versions, reports, years)
    moments = [part["last"] for part in parts if part["last"] is not None]
    tag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return PortalState(tag=tag, last_change=max(moments) if moments else None)


def version_with_sha256(sha256: str) -> ReportPdf | None:
    """The published version whose file, as downloaded, has this SHA-256 (the signed file's)."""
    return (ReportPdf.objects.select_related("report", "report__reporting_year", "report__body")
            .filter(sha256=sha256.lower(), status=DONE).order_by("version").first())
