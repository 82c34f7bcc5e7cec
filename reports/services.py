"""Writes about reports: opening a year, saving a section. Keyword-only, one transaction each."""

from dataclasses import dataclass
from datetime import date

import structlog
from django.db import transaction
from django.utils import timezone

from agencies.models import Body, District, User

from .errors import ReportError, ReportLocked, SectionConflict
from .formats import format_version_for_year, get_format
from .formats import rules as format_rules
from .formats.cells import CellValueError, format_cell, from_json_value, parse_cell, to_json_value
from .models import AnnualReport, ReportEvent, ReportingYear, ReportSection
from .selectors import ReportContent
from .timeline import event_record

log = structlog.get_logger(__name__)


# ---------------------------------------------------------------------------------------------
# Opening a year


def _carry_over(fmt, previous: AnnualReport | None, previous_year: int) -> tuple[dict, dict]:
    """Values this year's report takes from last year's, read off the cross-year rules.

    A cross-year rule says `cell(N) = Σ cells(N−1) [+ this year's terms]`: the previous year's part
    is the base the filler starts from (二、上年结转; 现行有效件数).
    """
    targets = {}
    for rule in fmt.rules:
        if getattr(rule, "kind", "") != "cross_year" or len(rule.lhs) != 1 or rule.op != "=":
            continue
        base = [t for t in rule.rhs if t.offset == -1]
        if base and rule.lhs[0].offset == 0:
            targets[rule.lhs[0].cell] = base
    if not targets:
        return {}, {}
    if previous is None:
        return {}, {"_missing": f"没有找到本单位{previous_year}年度的报告，上年结转数据请手工填写。"}
    prev_fmt = previous.format
    prev_values = ReportContent.of(previous).values
    values, carried = {}, {}
    for cell_id, terms in targets.items():
        if any(t.cell not in prev_fmt.cells() for t in terms):
            continue
        total = sum((t.coef * (prev_values.get(t.cell) or 0) for t in terms), 0)
        cell = fmt.cell(cell_id)
        values[cell_id] = to_json_value(cell.type, total)
        carried[cell_id] = {"from": previous_year, "value": to_json_value(cell.type, total)}
    return values, carried


def annual_report_create(*, reporting_year: ReportingYear, body: Body) -> AnnualReport:
    fmt = reporting_year.format
    previous = (
        AnnualReport.objects.filter(body=body, reporting_year__year=reporting_year.year - 1)
        .select_related("reporting_year").first()
    )
    carried_values, carried = _carry_over(fmt, previous, reporting_year.year - 1)
    report = AnnualReport.objects.create(
        reporting_year=reporting_year, body=body, body_name=body.name_for_year(reporting_year.year),
        carried_over=carried,
    )
    for section in fmt.sections:
        ids = {c.id for t in section.tables for c in t.cells()}
        values = {k: v for k, v in carried_values.items() if k in ids}
        if values:
            values = _with_totals(fmt, section, values)
        ReportSection.objects.create(report=report, key=section.key, values=values)
    event_record(report=report, kind=ReportEvent.Kind.OPENED, to_status=report.status,
                 data={"carried_over": sorted(k for k in carried if not k.startswith("_"))})
    return report


@transaction.atomic
def reporting_year_open(*, district: District, year: int, by: User | None, deadline: date | None = None,
                        variant: str = "") -> ReportingYear:
    """Open a year: its format follows from the year; every active body gets a draft."""
    if ReportingYear.objects.filter(district=district, year=year).exists():
        raise ReportError(f"{year}年度已经开启。")
    version = format_version_for_year(year)
    get_format(version, variant or None)  # refuses an unknown variant before anything is written
    reporting_year = ReportingYear.objects.create(
        district=district, year=year, format_version=version, format_variant=variant,
        deadline=deadline or ReportingYear.default_deadline(year), opened_by=by,
    )
    bodies = Body.objects.filter(district=district).active_during(date(year, 1, 1), date(year, 12, 31))
    for body in bodies.prefetch_related("names"):
        annual_report_create(reporting_year=reporting_year, body=body)
    log.info("reporting_year_opened", year=year, district=district.pk, bodies=bodies.count())
    return reporting_year


# ---------------------------------------------------------------------------------------------
# Saving a section


@dataclass
class SectionSave:
    section: ReportSection
    errors: dict  # cell id -> message for what could not be read
    changed: dict  # cell or part id -> (before, after), as text


def _with_totals(fmt, section_def, values: dict) -> dict:
    """Add the section's computed cells (总计) to its input values (JSON form)."""
    if not section_def.tables:
        return values
    python = {c: from_json_value(fmt.cell(c).type, v) for c, v in values.items()}
    computed = format_rules.compute(fmt, python)
    out = dict(values)
    for cell in (c for t in section_def.tables for c in t.cells() if c.computed):
        out[cell.id] = to_json_value(cell.type, computed.get(cell.id) or 0)
    return out


def section_text(fmt, section) -> dict[str, str]:
    """A section (or a historical version of it) as shown: numbers formatted, unreadable input as
    typed, texts as written."""
    shown = {}
    for cell_id, value in section.values.items():
        cell_type = fmt.cell(cell_id).type
        shown[cell_id] = format_cell(cell_type, from_json_value(cell_type, value))
    shown.update(section.raw)
    shown.update(section.texts)
    return shown


def section_changes(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Cell by cell and part by part: what differs between two states of a section."""
    return {
        key: (before.get(key, ""), after.get(key, ""))
        for key in dict.fromkeys([*before, *after])
        if before.get(key, "") != after.get(key, "")
    }


@transaction.atomic
def report_section_save(*, report: AnnualReport, key: str, cells: dict[str, str], texts: dict[str, str],
                        base_version: int, by: User, request=None) -> SectionSave:
    """Save what a filler typed into one section, whatever state it is in (a draft may be incomplete
    or break rules). Unreadable numbers are kept as typed, with their message. A save based on an
    older version than the stored one is refused with what the other person changed."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ReportLocked(f"报告当前状态为“{report.get_status_display()}”，不能修改。")
    fmt = report.format
    section_def = fmt.section(key)
    section = ReportSection.objects.select_for_update().get(report=report, key=key)
    if section.version != base_version:
        base = section.history.filter(version=base_version).first()
        before = section_text(fmt, base) if base else {}
        changes = [
            {"key": k, "label": _label(fmt, k), "before": old, "after": new}
            for k, (old, new) in section_changes(before, section_text(fmt, section)).items()
        ]
        who = section.updated_by.display_name if section.updated_by else "其他人"
        raise SectionConflict(
            f"{who}于{timezone.localtime(section.updated_at):%H:%M:%S}保存了本节，您的修改尚未保存。"
            "请核对对方的改动后再保存；您填写的内容仍保留在表单中。",
            section=section, changes=changes,
        )

    input_cells = [c for t in section_def.tables for c in t.cells() if not c.computed]
    values, raw, errors = {}, {}, {}
    for cell in input_cells:
        typed = (cells.get(cell.id) or "").strip()
        try:
            value = parse_cell(cell.type, typed)
        except CellValueError as exc:
            raw[cell.id] = typed[:50]
            errors[cell.id] = str(exc)
            continue
        if value is not None:
            values[cell.id] = to_json_value(cell.type, value)
    values = _with_totals(fmt, section_def, values)
    part_keys = {p.key for p in section_def.parts}
    new_texts = {k: v.replace("\r\n", "\n")[:20000] for k, v in texts.items() if k in part_keys}
    before = section_text(fmt, section)
    section.values, section.raw, section.texts = values, raw, new_texts
    changed = section_changes(before, section_text(fmt, section))
    if changed:
        section.version += 1  # safe: the row is locked and its version was checked above
        section.updated_by = by
        section._change_reason = "保存"  # type: ignore[attr-defined]  # read by simple_history
        section.save()
        event_record(report=report, kind=ReportEvent.Kind.SAVED, actor=by, request=request, data={
            "section": key, "version": section.version,
            "changes": {k: {"label": _label(fmt, k), "before": old, "after": new} for k, (old, new) in changed.items()},
        })
        log.info("report_section_saved", report=report.pk, section=key, version=section.version,
                 changed=sorted(changed))
    return SectionSave(section=section, errors=errors, changed=changed)


def _label(fmt, key: str) -> str:
    if key in fmt.cells():
        return fmt.cell(key).label
    part = fmt.text_part(key)
    return part.title or fmt.section(key.split(".")[0]).title


@transaction.atomic
def report_explanations_save(*, report: AnnualReport, explanations: dict[str, str], by: User) -> None:
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ReportLocked(f"报告当前状态为“{report.get_status_display()}”，不能修改。")
    report.explanations = {k: v.strip()[:2000] for k, v in explanations.items() if v.strip()}
    report.save(update_fields=["explanations", "updated_at"])
