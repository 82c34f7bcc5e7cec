"""The portal's search of a year's reports: by the body's name and by the published text.

At city scale (thousands of reports in a year): a word of the format's own text is answered without
reading any text, other words through the trigram index on the plain search text, and only the page
shown is fetched (see `year_search`). Split from selectors.py, whose public reports it pages.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Count,
    F,
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

from reports.formats import get_format
from reports.models import AnnualReport, ReportingYear, ReportStatus
from reports.publishing.document import AnnualReportDocument
from reports.publishing.search import format_text, search_text
from reports.selectors import ReportContent

from . import search
from .selectors import DONE, PublicReport, _base, _current_versions, _has_done, _of_year, listed

RANK_LIMIT = 500  # found reports ranked by how often the words occur; more are listed in the portal's order


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
