"""The city's summary (市级汇总) of a year: the summaries of its districts (each computed in the
database, as a district's own), added up cell by cell, with the hard rules re-checked on the sums.

A district whose year uses another format (a local variant, or a year opened in the other official
format) cannot be added cell by cell: it is listed apart, never silently summed."""

from dataclasses import dataclass, field
from decimal import Decimal

from agencies.models import City

from ..formats import rules as format_rules
from ..formats.cells import format_cell
from ..models import ReportingYear
from ..summary.document import summary_title
from ..summary.summary import BASES, DistrictSummary, district_summary


@dataclass
class CitySummary:
    city: City
    year: int
    basis: str
    districts: list[DistrictSummary]  # summed, in the order of the city's districts
    apart: list[ReportingYear] = field(default_factory=list)  # another format: not summed
    sums: dict = field(default_factory=dict)
    rules: list = field(default_factory=list)

    @property
    def format(self):
        return self.districts[0].format if self.districts else None

    @property
    def basis_label(self) -> str:
        return BASES[self.basis][0]

    @property
    def bodies(self) -> int:
        return sum(len(d.bodies) for d in self.districts)

    @property
    def missing(self) -> int:
        return sum(len(d.missing) for d in self.districts)

    @property
    def failed_rules(self) -> list:
        return [r for r in self.rules if not r.ok]

    def text(self, cell_id: str) -> str:
        return format_cell(self.format.cell(cell_id).type, self.sums.get(cell_id))

    # As a document (reports/summary/document.py: Summary), its parts being the districts.
    level = "市级汇总"

    @property
    def name(self) -> str:
        return self.city.name

    @property
    def title(self) -> str:
        return summary_title(self.name, self.year, self.level)

    @property
    def body_count(self) -> int:
        return self.bodies

    @property
    def extent(self) -> str:
        names = "、".join(d.name for d in self.districts)
        return f"{names}共 {len(self.districts)} 个区 {self.bodies} 个单位"

    @property
    def missing_count(self) -> int:
        return self.missing

    @property
    def missing_groups(self) -> list:
        return [(d.name, d.missing) for d in self.districts if d.missing]

    @property
    def notes(self) -> list[str]:
        if not self.apart:
            return []
        names = "、".join(ry.district.name for ry in self.apart)
        return [f"以下区的本年度使用其他格式，未计入全市合计：{names}。"]

    def breakdown(self) -> tuple[str, str, list[tuple[str, dict]]]:
        return "各区", "区", [(d.name, d.sums) for d in self.districts]


def city_years(city: City) -> list[int]:
    """The years that at least one of the city's districts has opened, newest first."""
    return sorted(set(ReportingYear.objects.filter(district__city=city).values_list("year", flat=True)),
                  reverse=True)


def city_reporting_years(city: City, year: int):
    return (ReportingYear.objects.filter(district__city=city, year=year).select_related("district")
            .order_by("district__code"))


def city_summary(city: City, year: int, *, basis: str = "published") -> CitySummary:
    basis = basis if basis in BASES else "published"
    years = list(city_reporting_years(city, year))
    result = CitySummary(city, year, basis, [])
    if not years:
        return result
    first = years[0]
    for reporting_year in years:
        same = (reporting_year.format_version, reporting_year.format_variant) == (
            first.format_version, first.format_variant)
        if same:
            result.districts.append(district_summary(reporting_year, basis=basis))
        else:
            result.apart.append(reporting_year)
    for summary in result.districts:
        for cell_id, value in summary.sums.items():
            if value is None:
                continue
            zero = Decimal("0") if isinstance(value, Decimal) else 0
            result.sums[cell_id] = (result.sums.get(cell_id) or zero) + value
    results = format_rules.evaluate(result.format, result.sums)
    result.rules = [r for r in results if r.severity is format_rules.Severity.HARD and not r.skipped]
    return result
