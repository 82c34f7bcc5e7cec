"""Storing an imported report: one transaction, idempotent (a re-import replaces the content and
records another timeline entry)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

import structlog
from django.db import transaction

from agencies.models import Body, User

from ..errors import ReportError
from ..formats import UnknownFormatError, format_version_for_year, get_format
from ..formats.base import CellType
from ..formats.cells import PUBLISHED_MONEY_PLACES, CellValueError, parse_cell
from ..models import AnnualReport, ReportEvent, ReportingYear, ReportSection, ReportStatus
from ..timeline import event_record
from .detect import publication_date
from .parser import ImportResult, checked_rules, parse_report
from .signals import report_imported
from .tokens import unify_ideographs

log = structlog.get_logger(__name__)

_BODY_SUFFIXES = ("办事处",)


class ImportRefused(ReportError):
    """The text could not be read completely; `result` says what is missing."""

    def __init__(self, message: str, *, result: ImportResult):
        super().__init__(message)
        self.result = result


@dataclass
class ImportOutcome:
    report: AnnualReport
    result: ImportResult
    created: bool
    event: ReportEvent


def _format_for(district, year: int, variant: str | None):
    """The format of the year as opened in the district, or the one the year calls for."""
    try:
        version = format_version_for_year(int(year))
    except (TypeError, ValueError):
        raise ReportError(f"没有适用于{year}年度的报告格式（第一个格式适用于2019年度的报告）。") from None
    existing = ReportingYear.objects.filter(district=district, year=year).first()
    chosen = existing.format_variant if existing and variant is None else (variant or "")
    try:
        return get_format(version, chosen or None), existing, chosen
    except UnknownFormatError:
        raise ReportError(f"{version}年格式没有“{chosen}”地方格式。") from None


def _body_note(body: Body, year: int, result: ImportResult) -> None:
    name = body.name_for_year(year)
    short = next((name[: -len(s)] for s in _BODY_SUFFIXES if name.endswith(s)), name)
    if result.preamble and short not in result.preamble.replace("\n", ""):
        result.warnings.append(f"报告标题中没有找到单位名称“{short}”，请核对是否导入到了正确的单位。")


def report_import_preview(*, body: Body, year: int, text: str, variant: str | None = None,
                          filled: dict | None = None) -> ImportResult:
    """What an import would read, without storing anything (the command's --dry-run, the page)."""
    fmt, _, _ = _format_for(body.district, year, variant)
    result = parse_report(unify_ideographs(text), fmt, year=year)
    _body_note(body, year, result)
    _fill(result, fmt, filled or {})
    return result


def _fill(result: ImportResult, fmt, filled: dict) -> None:
    """Cells a person typed in where the text could not be read (the import page); a typed value
    that is not a number is refused with the cell's label."""
    typed = {}
    for cell_id, raw in filled.items():
        if cell_id not in fmt.cells() or cell_id in result.values or raw in (None, ""):
            continue
        cell = fmt.cell(cell_id)
        try:
            value = parse_cell(cell.type, str(raw), places=PUBLISHED_MONEY_PLACES)
        except CellValueError as error:
            raise ReportError(f"“{cell.label}”填写的“{raw}”{error}。") from None
        typed[cell_id] = value if value is not None else (Decimal(0) if cell.type is CellType.MONEY else 0)
    if not typed:
        return
    result.values.update(typed)
    result.missing = [c for c in result.missing if c not in typed]
    result.warnings.append(f"{len(typed)} 个单元格由导入人手工填写：" + "、".join(list(typed)[:5])
                           + ("等。" if len(typed) > 5 else "。"))
    result.check = checked_rules(fmt, result)


def _unread(fmt, result: ImportResult) -> list[str]:
    return [c for c in fmt.cells() if c not in result.values]


def _reporting_year(body: Body, year: int, variant: str, existing: ReportingYear | None, by) -> ReportingYear:
    if existing is None:
        return ReportingYear.objects.create(
            district=body.district, year=year, format_version=format_version_for_year(year),
            format_variant=variant, deadline=ReportingYear.default_deadline(year), opened_by=by,
        )
    if existing.format_variant != variant:
        if existing.reports.exclude(body=body).exists():
            raise ReportError(
                f"{year}年度已按{existing.format.name}开启，不能按另一种地方格式导入本单位的报告。"
            )
        existing.format_variant = variant
        existing.save(update_fields=["format_variant"])
    return existing


@transaction.atomic
def report_import(*, body: Body, year: int, text: str, variant: str | None = None, by: User | None = None,
                  source: str = "", published_on: datetime.date | None = None, filled: dict | None = None,
                  unplaced_seen: bool = False) -> ImportOutcome:
    """Store a published report of `year` read from its text, as published (imported=True, 已发布).

    `filled`: cells a person typed in where the text could not be read; `published_on`: the date the
    source was published (else the one the text prints, else none: 历史导入). Refused with the
    findings when a cell or a section is still missing, when a number could not be placed (unless a
    person saw them: `unplaced_seen`), or when the body's report of that year was filled in here (an
    import never overwrites a report of this system).
    """
    fmt, existing_year, chosen = _format_for(body.district, year, variant)
    text = unify_ideographs(text)
    result = parse_report(text, fmt, year=year)
    _body_note(body, year, result)
    _fill(result, fmt, filled or {})
    unread = _unread(fmt, result)
    absent = [s.title for s in fmt.sections if s.key not in result.sections_found]
    if unread or absent or (result.unplaced and not unplaced_seen):
        said = result.errors if not filled else (
            [f"还有 {len(unread)} 个单元格未填写"] if unread else []) + [f"未找到“{t}”" for t in absent]
        raise ImportRefused("报告文本未能完整读取，没有导入：" + "；".join(said or result.errors), result=result)
    published_on = published_on or publication_date(text, year)
    reporting_year = _reporting_year(body, year, chosen, existing_year, by)
    report = (
        AnnualReport.objects.select_for_update().filter(reporting_year=reporting_year, body=body).first()
    )
    if report is not None and not report.imported:
        raise ReportError(
            f"{body.name_for_year(year)}{year}年度的报告已在本系统中填报（状态：{report.get_status_display()}），"
            "不能用导入的文本覆盖。"
        )
    created = report is None
    from_status = "" if created else report.status
    if created:
        report = AnnualReport.objects.create(
            reporting_year=reporting_year, body=body, body_name=body.name_for_year(year),
            status=ReportStatus.PUBLISHED, imported=True, published_on=published_on,
        )
    else:
        report.body_name = body.name_for_year(year)
        report.published_on = published_on
        report.save(update_fields=["body_name", "published_on", "updated_at"])
    changed = _store_sections(report, fmt, result, by)
    event = event_record(
        report=report, kind=ReportEvent.Kind.IMPORTED, actor=by, from_status=from_status,
        to_status=report.status, comment=f"从{source}导入" if source else "",
        data={
            "source": source,
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "format": fmt.key,
            "replaced": not created,
            "changed_sections": changed,
            "blanks": list(result.blanks),
            "warnings": list(result.warnings),
            "rule_findings": result.rule_messages(),
            "filled": sorted((filled or {}).keys() & set(result.values)),
            "published_on": published_on.isoformat() if published_on else None,
        },
    )
    report_id, event_id = report.pk, event.pk
    transaction.on_commit(
        lambda: report_imported.send(sender=AnnualReport, report_id=report_id, event_id=event_id)
    )
    log.info("report_imported", report=report.pk, year=year, body=body.code, created=created,
             blanks=len(result.blanks), hard_failures=len(result.hard_failures))
    return ImportOutcome(report=report, result=result, created=created, event=event)


def _store_sections(report: AnnualReport, fmt, result: ImportResult, by) -> list[str]:
    values = result.values_json()
    changed = []
    for section_def in fmt.sections:
        ids = {c.id for t in section_def.tables for c in t.cells()}
        parts = {p.key for p in section_def.parts}
        new_values = {k: v for k, v in values.items() if k in ids}
        new_texts = {k: v for k, v in result.texts.items() if k in parts}
        section, made = ReportSection.objects.select_for_update().get_or_create(
            report=report, key=section_def.key,
            defaults={"values": new_values, "texts": new_texts, "updated_by": by},
        )
        if made:
            changed.append(section_def.key)
            continue
        if (section.values, section.texts, section.raw) == (new_values, new_texts, {}):
            continue
        section.values, section.texts, section.raw = new_values, new_texts, {}
        section.version += 1
        section.updated_by = by
        section._change_reason = "导入"
        section.save()
        changed.append(section_def.key)
    return changed
