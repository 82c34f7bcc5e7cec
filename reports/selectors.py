"""Reads about reports. Scoping querysets here is what makes another body's report a 404."""

from dataclasses import dataclass

from django.db.models import Q

from agencies.models import Role
from agencies.selectors import user_roles

from .formats import rules as format_rules
from .formats.cells import from_json_value
from .models import AnnualReport, ReportSection


def _visibility(user) -> tuple:
    """Whose reports a person reads: their bodies' (any role), their districts' and cities', and, for a
    reviewer, those handed to them (指定审核人)."""
    roles = user_roles(user)
    body_ids: set[int] = set()
    for role in (Role.FILLER, Role.DEPT_HEAD, Role.DIRECTOR):
        body_ids |= roles.body_ids(role)
    return body_ids, roles.readable_districts, roles.holds(Role.DEPT_HEAD) or roles.holds(Role.DIRECTOR)


def reports_visible_to(user):
    body_ids, districts, reviews = _visibility(user)
    visible = Q(body_id__in=body_ids) | Q(body__district_id__in=districts)
    if reviews:
        from .timeline import designated_report_ids

        visible |= Q(pk__in=designated_report_ids(user))  # 指定审核人: another body's report to review
    return AnnualReport.objects.filter(visible).select_related("reporting_year", "body", "body__district")


def report_visible_to(user, report: AnnualReport) -> bool:
    """Whether reports_visible_to(user) holds `report`, without asking the database again unless the
    report was handed to this reviewer (every page of a report asks it first)."""
    body_ids, districts, reviews = _visibility(user)
    if report.body_id in body_ids or report.body.district_id in districts:
        return True
    if not reviews:
        return False
    from .timeline import designated_report_ids

    return designated_report_ids(user).filter(report_id=report.pk).exists()


def current_reports_of(user) -> list[AnnualReport]:
    """The reports a person works on now: for each body they fill in or review for, its report of
    the latest year opened (the workspace links straight to them)."""
    roles = user_roles(user)
    body_ids = set()
    for role in (Role.FILLER, Role.DEPT_HEAD, Role.DIRECTOR):
        body_ids |= roles.body_ids(role)
    latest: dict[int, AnnualReport] = {}
    for report in (AnnualReport.objects.filter(body_id__in=body_ids)
                   .select_related("reporting_year", "body").order_by("-reporting_year__year", "body__sort_order")):
        latest.setdefault(report.body_id, report)
    return list(latest.values())


@dataclass
class ReportContent:
    """All sections of a report as Python values, the way the format rules take them."""

    values: dict
    texts: dict
    raw: dict
    sections: dict  # key -> ReportSection

    @classmethod
    def of(cls, report: AnnualReport) -> "ReportContent":
        return cls.of_sections(report, report.sections.all())

    @classmethod
    def of_sections(cls, report: AnnualReport, stored) -> "ReportContent":
        """From the report's sections as read (`stored`: its ReportSection rows)."""
        fmt = report.format
        cells = fmt.cells()
        values, texts, raw, sections = {}, {}, {}, {}
        for section in stored:
            sections[section.key] = section
            for cell_id, value in section.values.items():
                if cell_id in cells:
                    values[cell_id] = from_json_value(cells[cell_id].type, value)
            texts.update(section.texts)
            raw.update(section.raw)
        return cls(values=values, texts=texts, raw=raw, sections=sections)


def previous_report(report: AnnualReport) -> AnnualReport | None:
    return (
        AnnualReport.objects.filter(body=report.body, reporting_year__year=report.year - 1)
        .select_related("reporting_year")
        .first()
    )


def contents_of_two_years(report: AnnualReport) -> tuple[ReportContent, AnnualReport | None, ReportContent | None]:
    """The report's content, its body's report of the year before (previous_report) and that one's
    content, from one query of both years' sections: every page of a report under review compares
    the two, and three queries (the sections, last year's report, its sections) took more CPU in
    the ORM than in PostgreSQL."""
    rows = list(ReportSection.objects.filter(report__body_id=report.body_id,
                                             report__reporting_year__year__in=(report.year, report.year - 1))
                .select_related("report__reporting_year").order_by("report_id", "key"))
    own = [section for section in rows if section.report_id == report.pk]
    earlier = {section.report_id: section.report for section in rows
               if section.report_id != report.pk and section.report.reporting_year.year == report.year - 1}
    if len(earlier) != 1:  # none with sections, or (a body moved districts) more than one: as previous_report picks
        previous = previous_report(report)
        return ReportContent.of_sections(report, own), previous, ReportContent.of(previous) if previous else None
    previous = next(iter(earlier.values()))
    return (ReportContent.of_sections(report, own), previous,
            ReportContent.of_sections(previous, [section for section in rows if section.report_id == previous.pk]))


@dataclass
class ReportCheck:
    """What the overview and the submit button need: progress per section and every rule's result."""

    progress: dict
    results: list
    invalid_cells: dict  # cell id -> what was typed that is not a number

    @property
    def hard_failures(self):
        return format_rules.hard_failures(self.results)

    @property
    def soft_warnings(self):
        return format_rules.soft_warnings(self.results)

    @property
    def complete(self) -> bool:
        return all(p.complete for p in self.progress.values()) and not self.invalid_cells


_NOT_GIVEN = object()


def report_check(report: AnnualReport, content: ReportContent | None = None, *,
                 previous=_NOT_GIVEN, previous_content: ReportContent | None = None) -> ReportCheck:
    if content is None and previous is _NOT_GIVEN:  # both years read, in one query
        content, previous, previous_content = contents_of_two_years(report)
    content = content or ReportContent.of(report)
    fmt = report.format
    if previous is _NOT_GIVEN:
        previous = previous_report(report)
    previous_values, previous_version = None, None
    if previous is not None:
        previous_values = (previous_content or ReportContent.of(previous)).values
        previous_version = previous.reporting_year.format_version
    values = format_rules.compute(fmt, content.values)
    results = format_rules.evaluate(
        fmt, values, previous=previous_values, texts=content.texts, previous_version=previous_version
    )
    progress = format_rules.completeness(fmt, values, content.texts)
    return ReportCheck(progress=progress, results=results, invalid_cells=content.raw)


def results_by_section(fmt, results) -> dict[str, list]:
    """The failed rules under each section they concern: their cells' sections, and for a rule on
    the writing of a part (五 too short, 六 silent on 信息处理费) that part's section too."""
    writing = {rule.id: rule.parts for rule in fmt.rules if getattr(rule, "kind", "") == "writing"}
    by_section: dict[str, list] = {}
    for result in results:
        if result.ok or result.skipped:
            continue
        keys = {key.split(".", 1)[0] for key in (*result.cells, *writing.get(result.rule_id, ()))} or {"s1"}
        for key in keys:
            by_section.setdefault(key, []).append(result)
    return by_section
