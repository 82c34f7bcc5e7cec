"""Storing an imported report: one transaction, idempotent (a re-import replaces the content and
records another timeline entry)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import structlog
from django.db import transaction

from agencies.models import Body, User

from ..errors import ReportError
from ..formats import UnknownFormatError, format_version_for_year, get_format
from ..models import AnnualReport, ReportEvent, ReportingYear, ReportSection, ReportStatus
from ..timeline import event_record
from .parser import ImportResult, parse_report
from .signals import report_imported

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


def report_import_preview(*, body: Body, year: int, text: str, variant: str | None = None) -> ImportResult:
    """What an import would read, without storing anything (the command's --dry-run)."""
    fmt, _, _ = _format_for(body.district, year, variant)
    result = parse_report(text, fmt, year=year)
    _body_note(body, year, result)
    return result


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
                  source: str = "") -> ImportOutcome:
    """Store a published report of `year` read from its text, as published (imported=True, 已发布).

    Refused with the findings when part of it could not be read, or when the body's report of that
    year was filled in here (an import never overwrites a report of this system).
    """
    fmt, existing_year, chosen = _format_for(body.district, year, variant)
    result = parse_report(text, fmt, year=year)
    _body_note(body, year, result)
    if result.errors:
        raise ImportRefused("报告文本未能完整读取，没有导入：" + "；".join(result.errors), result=result)
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
            status=ReportStatus.PUBLISHED, imported=True,
        )
    else:
        report.body_name = body.name_for_year(year)
        report.save(update_fields=["body_name", "updated_at"])
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


def imported_report_content(report: AnnualReport) -> dict:
    """The stored content of an imported report, for publishing's snapshot: values in JSON form
    (published numbers, totals as printed), texts by part, and where it came from."""
    values, texts = {}, {}
    for section in report.sections.all():
        values.update(section.values)
        texts.update(section.texts)
    last = report.events.filter(kind=ReportEvent.Kind.IMPORTED).order_by("-created_at", "-pk").first()
    return {
        "report_id": report.pk,
        "title": report.title,
        "body_name": report.body_name,
        "year": report.year,
        "format": report.format.key,
        "values": values,
        "texts": texts,
        "imported": True,
        "event_id": last.pk if last else None,
        "source": (last.data or {}).get("source", "") if last else "",
    }
