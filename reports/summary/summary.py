"""The district summary (区级汇总) of a year: every statistics cell summed over the bodies' reports,
computed in the database (one aggregate query per table), the hard rules re-checked on the sums, the
bodies missing, and each body's value of one cell (the drill-down).

Which figures count (`basis`), the same truth as the portal's:
- "published": each report's current published version (the snapshot of its latest done ReportPdf),
  so a report reopened for a correction keeps counting with the version the public still sees;
  imported history without a version counts by its imported (published) sections.
- "approved": the same, except that a report approved and waiting for (or failing) its publication
  counts by its live sections: its figures no longer change, only their publication waits.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce

from agencies.models import Body, BodyKind

from ..formats import rules as format_rules
from ..formats.base import CellType
from ..formats.cells import format_cell, from_json_value
from ..models import AnnualReport, ReportingYear, ReportSection, ReportStatus
from ..publishing.models import ReportPdf
from ..publishing.selectors import current_versions
from .document import summary_title

S = ReportStatus
# basis -> (label, statuses whose reports count by their live sections)
BASES = {
    "published": ("已发布的报告（各报告现行的发布版本）", ()),
    "approved": ("已批准的报告（含待发布、发布失败）", (S.APPROVED, S.PUBLISH_FAILED)),
}
MONEY_FIELD = DecimalField(max_digits=20, decimal_places=4)


def live_statuses(basis: str) -> tuple[str, ...]:
    return BASES.get(basis, BASES["published"])[1]


def _cell_value(cell, field="values"):
    """The SQL of one cell: its JSON value (in a section's values, or a snapshot's) cast to a number."""
    number = MONEY_FIELD if cell.type is CellType.MONEY else BigIntegerField()
    return Cast(KeyTextTransform(cell.id, field), number)


def _zero(cell):
    return Value(Decimal("0"), output_field=MONEY_FIELD) if cell.type is CellType.MONEY else Value(0)


def _has_version():
    return Exists(ReportPdf.objects.filter(report=OuterRef("pk"), status=ReportPdf.Status.DONE))


def live_reports(reporting_year: ReportingYear, basis: str = "published"):
    """The reports that count by their live sections."""
    return AnnualReport.objects.of_reporting_bodies().filter(reporting_year=reporting_year).filter(
        Q(status__in=live_statuses(basis)) | (Q(imported=True, status=S.PUBLISHED) & ~_has_version()))


def summed_versions(reporting_year: ReportingYear, basis: str = "published"):
    """The published versions that count: the current one of every other report that has one (the
    bodies' reports: the district government's own report is compiled from them, never summed)."""
    return current_versions().filter(report__reporting_year=reporting_year).exclude(
        report__status__in=live_statuses(basis)).exclude(report__body__kind=BodyKind.DISTRICT_GOVERNMENT)


def summed_reports(reporting_year: ReportingYear, basis: str = "published"):
    return AnnualReport.objects.filter(reporting_year=reporting_year).filter(
        Q(pk__in=live_reports(reporting_year, basis).values("pk"))
        | Q(pk__in=summed_versions(reporting_year, basis).values("report_id")))


@dataclass
class MissingBody:
    name: str
    status: str  # label of the report's state, or 未创建报告

    def as_json(self) -> dict:
        return {"body": self.name, "status": self.status}


@dataclass
class DistrictSummary:
    reporting_year: ReportingYear
    basis: str
    bodies: list[tuple[int, str]]  # (report pk, body name) of the reports summed
    missing: list[MissingBody]
    sums: dict  # cell id -> int or Decimal
    rules: list  # RuleResult of the hard rules on the sums

    @property
    def format(self):
        return self.reporting_year.format

    @property
    def basis_label(self) -> str:
        return BASES[self.basis][0]

    @property
    def failed_rules(self) -> list:
        return [r for r in self.rules if not r.ok]

    def text(self, cell_id: str) -> str:
        return format_cell(self.format.cell(cell_id).type, self.sums.get(cell_id))

    # As a document (reports/summary/document.py: Summary).
    level = "区级汇总"

    @property
    def name(self) -> str:
        return self.reporting_year.district.name

    @property
    def year(self) -> int:
        return self.reporting_year.year

    @property
    def title(self) -> str:
        return summary_title(self.name, self.year, self.level)

    @property
    def body_count(self) -> int:
        return len(self.bodies)

    @property
    def extent(self) -> str:
        return f"共 {self.body_count} 个单位"

    @property
    def missing_count(self) -> int:
        return len(self.missing)

    @property
    def missing_groups(self) -> list:
        return [("", self.missing)] if self.missing else []

    @property
    def notes(self) -> list[str]:
        return []

    def breakdown(self) -> tuple[str, str, list[tuple[str, dict]]]:
        return "全部单位", "单位", all_bodies_values(self.reporting_year, basis=self.basis)

    def as_json(self) -> dict:
        return {
            "year": self.reporting_year.year,
            "district": self.reporting_year.district.name,
            "basis": self.basis,
            "bodies": len(self.bodies),
            "missing": [m.name for m in self.missing],
            "cells": {cell_id: (str(value) if isinstance(value, Decimal) else value)
                      for cell_id, value in self.sums.items()},
            "rules": [{"id": r.rule_id, "ok": r.ok, "message": r.message} for r in self.rules],
        }


_PG_TABLE_SUMS = """
    WITH t(v) AS MATERIALIZED (
        SELECT s."values" FROM reports_reportsection s WHERE s.key = %(section)s AND s.report_id IN ({live})
        UNION ALL
        SELECT p.content -> 'values' FROM publishing_reportpdf p WHERE p.id IN ({versions})
    )
    SELECT k.key, SUM((t.v ->> k.key)::numeric) FROM t CROSS JOIN unnest(%(cells)s::text[]) AS k(key)
    GROUP BY k.key
"""


def _table_sums_postgres(reporting_year, section: str, cells, basis) -> dict:
    """PostgreSQL: each row's JSON is read once (the materialised `t`) and its cells looked up in
    memory. Writing one `values ->> id` per cell on the column, as the ORM does, decompresses the
    row's jsonb once per cell — 175 times a row for table 三 — which made the summary 4–5 times
    slower. The two subqueries (which reports count, and how) are the ORM's own."""
    live_sql, live_params = live_reports(reporting_year, basis).order_by().values("pk").query.sql_with_params()
    versions_sql, versions_params = (summed_versions(reporting_year, basis).order_by().values("pk")
                                     .query.sql_with_params())
    params = {"section": section, "cells": [c.id for c in cells]}
    # The ORM's SQL has %s placeholders; turn them into named ones beside ours.
    names = []
    for prefix, values in (("l", live_params), ("v", versions_params)):
        for index, value in enumerate(values):
            params[f"{prefix}{index}"] = value
            names.append(f"%({prefix}{index})s")
    live = live_sql % tuple(names[:len(live_params)])
    versions = versions_sql % tuple(names[len(live_params):])
    with connection.cursor() as cursor:
        cursor.execute(_PG_TABLE_SUMS.format(live=live, versions=versions), params)
        return {key: total for key, total in cursor.fetchall() if total is not None}


def _table_sums_orm(reporting_year, section: str, cells, basis) -> dict:
    """Any other database (the demo's SQLite): one Sum(Cast(key)) per cell over the live sections,
    and one over the snapshots."""
    live = ReportSection.objects.filter(report__in=live_reports(reporting_year, basis), key=section).aggregate(
        **{f"c{index}": Coalesce(Sum(_cell_value(cell)), _zero(cell)) for index, cell in enumerate(cells)})
    published = summed_versions(reporting_year, basis).aggregate(
        **{f"c{index}": Coalesce(Sum(_cell_value(cell, KeyTransform("values", "content"))), _zero(cell))
           for index, cell in enumerate(cells)})
    return {cell.id: live[f"c{index}"] + published[f"c{index}"] for index, cell in enumerate(cells)}


def table_sums(reporting_year: ReportingYear, table, basis: str = "published") -> dict:
    """One aggregate query: the sum of every cell of one table over the reports summed."""
    cells = table.cells()
    section = table.key.split(".", 1)[0]
    compute = _table_sums_postgres if connection.vendor == "postgresql" else _table_sums_orm
    found = compute(reporting_year, section, cells, basis)
    sums = {}
    for cell in cells:
        value = found.get(cell.id) or 0
        if cell.type is CellType.MONEY:
            sums[cell.id] = Decimal(value).quantize(Decimal("0.0001"))
        else:
            sums[cell.id] = int(value)
    return sums


ORDER = ("body__kind", "body__sort_order", "body__code")


def _missing(reporting_year: ReportingYear, summed) -> list[MissingBody]:
    missing = [
        MissingBody(name, S(status).label)
        for name, status in AnnualReport.objects.of_reporting_bodies().filter(reporting_year=reporting_year)
        .exclude(pk__in=summed.values("pk")).order_by(*ORDER).values_list("body_name", "status")
    ]
    year = reporting_year.year
    without = (
        Body.objects.filter(district_id=reporting_year.district_id).active_in_year(year)
        .exclude(annual_reports__reporting_year=reporting_year)
    )
    missing += [MissingBody(name, "未创建报告") for name in without.values_list("name", flat=True)]
    return missing


def district_summary(reporting_year: ReportingYear, *, basis: str = "published") -> DistrictSummary:
    basis = basis if basis in BASES else "published"
    fmt = reporting_year.format
    sums: dict = {}
    for table in fmt.tables():
        sums.update(table_sums(reporting_year, table, basis))
    results = format_rules.evaluate(fmt, sums)
    hard = [r for r in results if r.severity is format_rules.Severity.HARD and not r.skipped]
    summed = summed_reports(reporting_year, basis)
    bodies = list(summed.order_by(*ORDER).values_list("pk", "body_name"))
    return DistrictSummary(reporting_year, basis, bodies, _missing(reporting_year, summed), sums, hard)


@dataclass
class BodyValue:
    report_id: int
    body_name: str
    value: object
    text: str


_REPORT_ORDER = tuple(f"report__{field}" for field in ORDER)


def _by_body_order(rows) -> list:
    """Rows of (report id, body name, kind, sort order, code, …) from the two sources, merged in
    the bodies' order, without the ordering columns."""
    return [(row[0], row[1], *row[5:]) for row in sorted(rows, key=lambda row: (row[2], row[3], row[4]))]


def cell_breakdown(reporting_year: ReportingYear, cell_id: str, *, basis: str = "published") -> list[BodyValue]:
    """Each summed report's value of one cell (two queries: live sections, published versions);
    they add up to the summary's cell."""
    cell = reporting_year.format.cell(cell_id)
    live = (ReportSection.objects.filter(report__in=live_reports(reporting_year, basis), key=cell.section)
            .annotate(v=Coalesce(_cell_value(cell), _zero(cell)))
            .values_list("report_id", "report__body_name", *_REPORT_ORDER, "v"))
    published = (summed_versions(reporting_year, basis)
                 .annotate(v=Coalesce(_cell_value(cell, KeyTransform("values", "content")), _zero(cell)))
                 .values_list("report_id", "report__body_name", *_REPORT_ORDER, "v"))
    out = []
    for report_id, name, value in _by_body_order([*live, *published]):
        value = Decimal(value).quantize(Decimal("0.0001")) if cell.type is CellType.MONEY else int(value)
        out.append(BodyValue(report_id, name, value, format_cell(cell.type, value)))
    return out


def all_bodies_values(reporting_year: ReportingYear, *, basis: str = "published") -> list[tuple[str, dict]]:
    """Every summed report's cell values, for the all-bodies sheet: [(body name, {cell: value})]."""
    fmt = reporting_year.format
    cells = fmt.cells()
    live = (ReportSection.objects.filter(report__in=live_reports(reporting_year, basis)).exclude(values={})
            .values_list("report_id", "report__body_name", *_REPORT_ORDER, "values"))
    published = (summed_versions(reporting_year, basis).annotate(v=KeyTransform("values", "content"))
                 .values_list("report_id", "report__body_name", *_REPORT_ORDER, "v"))
    by_report: dict[int, tuple[str, dict]] = {}
    for report_id, name, values in _by_body_order([*live, *published]):
        entry = by_report.setdefault(report_id, (name, {}))
        for cell_id, value in (values or {}).items():
            if cell_id in cells:
                entry[1][cell_id] = from_json_value(cells[cell_id].type, value)
    return list(by_report.values())
