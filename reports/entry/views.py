"""Filling in a report: the list, the overview of six sections, one page per section, the preview.

Thin: reads go through selectors, writes through services; a domain error becomes a message.
"""

from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import json_script
from django.views.decorators.http import require_POST

from ..errors import ReportError, SectionConflict
from ..formats import rules as format_rules
from ..formats.cells import CellValueError, parse_cell
from ..publishing.document import AnnualReportDocument, part_view, table_view
from ..selectors import ReportContent, previous_report, report_check, reports_visible_to, results_by_section
from ..services import report_explanations_save, report_section_save


def _report_for(request, pk, perm="reports.view_report"):
    """Another body's report does not exist for this person (404), whatever its id."""
    report = get_object_or_404(reports_visible_to(request.user), pk=pk)
    if not request.user.has_perm(perm, report):
        raise PermissionDenied("您无权修改这份报告。")
    return report


@login_required
def report_list(request):
    reports = reports_visible_to(request.user).order_by("-reporting_year__year", "body__kind", "body__sort_order")
    return render(request, "reports/report_list.html", {"reports": reports})


@login_required
def report_overview(request, pk):
    report = _report_for(request, pk)
    check = report_check(report)
    fmt = report.format
    sections = [
        {"section": s, "progress": check.progress[s.key],
         "problems": results_by_section(fmt, check.results).get(s.key, []),
         "invalid": [c for c in check.invalid_cells if c.startswith(s.key + ".")]}
        for s in fmt.sections
    ]
    return render(request, "reports/overview.html", {
        "report": report, "check": check, "sections": sections,
        "can_edit": request.user.has_perm("reports.edit_report", report),
        "warnings": [(w, report.explanations.get(w.rule_id, "")) for w in check.soft_warnings],
    })


def _section_context(request, report, key, *, typed=None, errors=None, version=None):
    fmt = report.format
    try:
        section = fmt.section(key)
    except KeyError:
        raise Http404("没有这一节。") from None
    content = ReportContent.of(report)
    stored = content.sections[key]
    values = format_rules.compute(fmt, content.values)
    raw = {**content.raw}
    errors = {**{c: _parse_error(fmt, c, typed_raw) for c, typed_raw in raw.items() if c.startswith(key + ".")},
              **(errors or {})}
    texts = dict(content.texts)
    if typed is not None:  # re-show exactly what the person typed (conflict or error)
        raw.update({k: v for k, v in typed["cells"].items()})
        errors = errors or {}
        texts.update(typed["texts"])
    tables = [table_view(fmt, t, values, raw=raw, errors=errors, carried=report.carried_over) for t in section.tables]
    if typed is not None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    if cell.id in typed["cells"] and not cell.computed:
                        cell.raw, cell.error = typed["cells"][cell.id], errors.get(cell.id, "")
                        cell.text = cell.raw
    previous = previous_report(report)
    previous_content = ReportContent.of(previous) if previous else None
    check = report_check(report, content, previous=previous, previous_content=previous_content)
    index = [s.key for s in fmt.sections].index(key)
    return {
        "report": report, "fmt": fmt, "section": section, "tables": tables,
        "parts": [part_view(p, texts) for p in section.parts],
        "version": version or stored.version, "stored": stored,
        "can_edit": request.user.has_perm("reports.edit_report", report),
        "problems": results_by_section(fmt, check.results).get(key, []),
        "format_json_script": format_json_script(fmt),
        "entry_context": _entry_context(content, previous, previous_content),
        "prev_section": fmt.sections[index - 1] if index else None,
        "next_section": fmt.sections[index + 1] if index + 1 < len(fmt.sections) else None,
        "missing_carry": report.carry_over_note if key in ("s2", "s3") else "",
    }


def _parse_error(fmt, cell_id, typed) -> str:
    try:
        parse_cell(fmt.cell(cell_id).type, typed)
    except CellValueError as error:
        return str(error)
    return ""


@cache
def format_json_script(fmt):
    """The definition as a JSON data block for rules.js; formats are immutable, so built once."""
    return json_script(format_rules.format_json(fmt), "format-json")


def _entry_context(content, previous, previous_content) -> dict:
    """What the browser's rule check needs beyond this page's inputs, in stored (JSON) form."""
    values = {}
    for stored in content.sections.values():
        values.update(stored.values)
    prev_values = {}
    for stored in (previous_content.sections.values() if previous_content else ()):
        prev_values.update(stored.values)
    return {"values": values, "texts": content.texts, "previous": prev_values or None,
            "previous_version": previous.reporting_year.format_version if previous else None}


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get(
        "Accept", "")


@login_required
def section_edit(request, pk, key):
    report = _report_for(request, pk)
    if request.method != "POST":
        return render(request, "reports/section_edit.html", _section_context(request, report, key))
    if not request.user.has_perm("reports.edit_report", report):
        message = f"报告当前状态为“{report.get_status_display()}”，您不能修改。"
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=403)
        messages.error(request, message)
        return redirect("reports:section", pk=report.pk, key=key)
    typed = {
        "cells": {k[5:]: v for k, v in request.POST.items() if k.startswith("cell:")},
        "texts": {k[5:]: v for k, v in request.POST.items() if k.startswith("text:")},
    }
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        base_version = -1
    try:
        result = report_section_save(report=report, key=key, cells=typed["cells"], texts=typed["texts"],
                                     base_version=base_version, by=request.user, request=request)
    except SectionConflict as conflict:
        if _wants_json(request):
            return JsonResponse({"ok": False, "conflict": True, "message": conflict.message,
                                 "changes": conflict.changes, "version": conflict.section.version}, status=409)
        context = _section_context(request, report, key, typed=typed, version=conflict.section.version)
        context.update(conflict=conflict)
        return render(request, "reports/section_edit.html", context, status=409)
    except ReportError as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": error.message}, status=400)
        messages.error(request, error.message)
        return redirect("reports:overview", pk=report.pk)
    if _wants_json(request):
        return JsonResponse({"ok": True, "version": result.section.version, "errors": result.errors,
                             "saved": bool(result.changed)})
    if result.errors:
        messages.warning(request, f"已保存草稿，但有 {len(result.errors)} 个单元格无法识别，请按提示修改。")
        context = _section_context(request, report, key, typed=typed, errors=result.errors)
        return render(request, "reports/section_edit.html", context)
    messages.success(request, "已保存。" if result.changed else "内容没有变化。")
    target = request.POST.get("next")
    if target == "next":
        following = _section_context(request, report, key)["next_section"]
        if following:
            return redirect("reports:section", pk=report.pk, key=following.key)
    return redirect("reports:section", pk=report.pk, key=key)


@login_required
@require_POST
def explanations(request, pk):
    report = _report_for(request, pk, perm="reports.edit_report")
    given = {k[12:]: v for k, v in request.POST.items() if k.startswith("explanation:")}
    try:
        report_explanations_save(report=report, explanations=given, by=request.user)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "预警说明已保存。")
    return redirect("reports:overview", pk=report.pk)


@login_required
def preview(request, pk):
    report = _report_for(request, pk)
    return render(request, "reports/preview.html", {"report": report, "document": AnnualReportDocument(report)})
