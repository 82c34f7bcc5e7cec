"""Writes about reports: opening a year, saving a section. Keyword-only, one transaction each."""

from dataclasses import dataclass
from dataclasses import field as dc_field
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
from .selectors import ReportContent, report_check
from .timeline import event_record
from .typed import (
    CELL_LIMIT,
    EXPLANATION_LIMIT,
    TEXT_LIMIT,
    cell_too_long_message,
    removed_message,
    too_long_message,
    without_control_characters,
)

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


def annual_report_create(*, reporting_year: ReportingYear, body: Body, by: User | None = None) -> AnnualReport:
    """A body's draft for the year, with what it carries over; `by` is who opened it (None: the
    system, e.g. the demo seeder)."""
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
    event_record(report=report, kind=ReportEvent.Kind.OPENED, actor=by, to_status=report.status,
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
    bodies = Body.objects.filter(district=district).active_in_year(year)
    for body in bodies.prefetch_related("names"):
        annual_report_create(reporting_year=reporting_year, body=body, by=by)
    log.info("reporting_year_opened", year=year, district=district.pk, bodies=bodies.count())
    return reporting_year


# ---------------------------------------------------------------------------------------------
# Saving a section


@dataclass
class SectionSave:
    """What a save did, field by field (a field is a cell id or a text part key)."""

    section: ReportSection
    errors: dict  # cell id -> message: could not be read as a number, kept as typed
    changed: dict  # field -> (before, after), as text
    conflicts: list = dc_field(default_factory=list)  # [{key, label, mine, theirs}]: both changed; not written
    refused: dict = dc_field(default_factory=dict)  # field -> message: too long; not written
    cleaned: dict = dc_field(default_factory=dict)  # field -> the typed text without its control characters
    merged: dict = dc_field(default_factory=dict)  # field -> what is stored instead of what was posted
    other: str = ""  # who saved the section after this person loaded it
    removed: int = 0  # control characters removed from what was typed
    notes: list = dc_field(default_factory=list)  # sentences for the person: what else the save did

    @property
    def conflict_message(self) -> str:
        who = self.other or "其他人"
        return (f"{who}在您打开本页后也修改了下列内容，与您的修改不同。请逐项选择保留哪一份；"
                "选择之前，这些内容不会保存，其余修改已经保存。")


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
                        base_version: int, by: User, request=None, merge: bool = False,
                        choices: dict[str, str] | None = None) -> SectionSave:
    """Save what a filler typed into one section, whatever state it is in (a draft may be incomplete
    or break rules). Unreadable numbers are kept as typed, with their message; a field left out is
    left as stored; a text over its limit is refused, not cut.

    The form was loaded at `base_version`. If someone saved the section since, `merge` writes only
    the fields this person changed since loading (a three-way merge: loaded, stored, posted); a field
    that both changed differently is returned in `conflicts` and stays as stored until the person
    chooses: `choices[field]` is "mine", "theirs" or "" (still undecided). Without `merge` such a save
    is refused whole with what the other person changed (SectionConflict): the Excel upload wants
    all or nothing."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ReportLocked(f"报告当前状态为“{report.get_status_display()}”，不能修改。")
    fmt = report.format
    try:
        section_def = fmt.section(key)
    except KeyError:
        raise ReportError("没有这一部分。") from None
    section = ReportSection.objects.select_for_update().get(report=report, key=key)
    stale = section.version != base_version
    if stale and not merge:
        raise _stale_refusal(fmt, section, base_version)
    stored = section_text(fmt, section)
    loaded: dict[str, str] | None = stored
    if stale:
        base_row = section.history.filter(version=base_version).order_by("-history_date", "-history_id").first()
        loaded = section_text(fmt, base_row) if base_row is not None else None  # unknown: every difference asks
    input_ids = [c.id for t in section_def.tables for c in t.cells() if not c.computed]
    part_keys = [p.key for p in section_def.parts]
    posted = {k: v for k, v in cells.items() if k in set(input_ids)}
    posted.update((k, v) for k, v in texts.items() if k in part_keys)

    outcome = SectionSave(section=section, errors={}, changed={},
                          other=section.updated_by.display_name if stale and section.updated_by else "")
    result = {f: stored.get(f, "") for f in [*input_ids, *part_keys]}
    for name, as_posted in posted.items():
        typed = _checked(fmt, name, as_posted, is_cell=name not in part_keys, outcome=outcome)
        if typed is None:
            continue
        mine, theirs = _canonical(fmt, name, typed), _canonical(fmt, name, stored.get(name, ""))
        base = None if loaded is None else _canonical(fmt, name, loaded.get(name, ""))
        choice = (choices or {}).get(name)
        if choice == "mine" or (choice != "theirs" and mine == theirs):
            result[name] = typed
        elif choice is None and base == mine:  # not changed on this page: what is stored stays
            outcome.merged[name] = stored.get(name, "")
        elif choice is None and base == theirs:  # changed only on this page
            result[name] = typed
        elif choice == "theirs":
            if mine != theirs:
                outcome.merged[name] = stored.get(name, "")
        else:
            outcome.conflicts.append({"key": name, "label": _label(fmt, name), "mine": typed,
                                      "theirs": stored.get(name, "")})

    kept = [k for k in outcome.merged if (choices or {}).get(k) is None]  # not the ones chosen just now
    if kept:
        labels = "、".join(_label(fmt, k) for k in kept)
        outcome.notes.append(f"{outcome.other or '其他人'}刚保存的修改已一并保留，本页已随之更新：{labels}。")
    if outcome.cleaned:
        outcome.notes.append(removed_message(outcome.removed))
    values, raw = {}, {}
    for cell_id in input_ids:
        try:
            value = parse_cell(fmt.cell(cell_id).type, result[cell_id])
        except CellValueError as exc:
            raw[cell_id] = result[cell_id]
            outcome.errors[cell_id] = str(exc)
            continue
        if value is not None:
            values[cell_id] = to_json_value(fmt.cell(cell_id).type, value)
    section.values = _with_totals(fmt, section_def, values)
    section.raw = raw
    section.texts = {k: result[k] for k in part_keys if result[k]}
    outcome.changed = changed = section_changes(stored, section_text(fmt, section))
    if changed:
        section.version += 1  # safe: the row is locked and its version was checked above
        section.updated_by = by
        section._change_reason = (  # type: ignore[attr-defined]  # read by simple_history
            "保存" if not stale else f"保存（与第{base_version}版以来他人的修改合并）")
        section.save()
        event_record(report=report, kind=ReportEvent.Kind.SAVED, actor=by, request=request, data={
            "section": key, "version": section.version,
            "changes": {k: {"label": _label(fmt, k), "before": old, "after": new} for k, (old, new) in changed.items()},
            **({"merged_from_version": base_version} if stale else {}),
        })
        log.info("report_section_saved", report=report.pk, section=key, version=section.version,
                 changed=sorted(changed), merged=stale, conflicts=len(outcome.conflicts))
    return outcome


def _checked(fmt, name: str, typed, *, is_cell: bool, outcome: SectionSave) -> str | None:
    """The typed text as it can be stored, or None when it is refused (the reason in `outcome`)."""
    typed, removed = without_control_characters(str(typed))
    if is_cell:
        typed = typed.strip()
    if removed:
        outcome.cleaned[name] = typed
        outcome.removed += removed
    if is_cell and len(typed) > CELL_LIMIT:
        outcome.refused[name] = cell_too_long_message(len(typed))
        return None
    if not is_cell and len(typed) > TEXT_LIMIT:
        outcome.refused[name] = too_long_message(_label(fmt, name), len(typed), TEXT_LIMIT)
        return None
    return typed


def _canonical(fmt, name: str, text: str) -> str:
    """A field's text as compared: "３" and "3" are the same number, an unreadable cell is its text."""
    cells = fmt.cells()
    if name not in cells:
        return text
    try:
        return format_cell(cells[name].type, parse_cell(cells[name].type, text))
    except CellValueError:
        return text.strip()


def _stale_refusal(fmt, section, base_version: int) -> SectionConflict:
    base = section.history.filter(version=base_version).first()
    before = section_text(fmt, base) if base else {}
    changes = [
        {"key": k, "label": _label(fmt, k), "before": old, "after": new}
        for k, (old, new) in section_changes(before, section_text(fmt, section)).items()
    ]
    who = section.updated_by.display_name if section.updated_by else "其他人"
    return SectionConflict(
        f"{who}于{timezone.localtime(section.updated_at):%H:%M:%S}保存了本节，您的修改尚未保存。"
        "请核对对方的改动后再保存；您填写的内容仍保留在表单中。",
        section=section, changes=changes,
    )


def _label(fmt, key: str) -> str:
    if key in fmt.cells():
        return fmt.cell(key).label
    part = fmt.text_part(key)
    return part.title or fmt.section(key.split(".")[0]).title


@transaction.atomic
def report_explanations_save(*, report: AnnualReport, explanations: dict[str, str], by: User,
                             request=None) -> dict:
    """Save the explanations of the soft-rule warnings. They are content the reviewers read, so
    the change goes into the timeline (and its writer stands aside from the review). Returns the
    explanations changed: {rule id: (before, after)}."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ReportLocked(f"报告当前状态为“{report.get_status_display()}”，不能修改。")
    before = dict(report.explanations)
    after = {}
    for rule_id, typed in explanations.items():
        text = without_control_characters(str(typed))[0].strip()
        if len(text) > EXPLANATION_LIMIT:
            raise ReportError(f"每条预警说明最多 {EXPLANATION_LIMIT} 字，有一条现有 {len(text)} 字，说明都没有保存。"
                              "请删减后再保存，您输入的内容仍在本页。")
        if text:
            after[rule_id] = text
    changed = section_changes(before, after)
    if changed:
        report.explanations = after
        report.save(update_fields=["explanations", "updated_at"])
        warnings = {w.rule_id: w.message for w in report_check(report).soft_warnings}
        event_record(report=report, kind=ReportEvent.Kind.EXPLAINED, actor=by, request=request, data={
            "changes": {k: {"label": f"预警说明：{warnings.get(k, '已不再出现的预警')}", "before": old, "after": new}
                        for k, (old, new) in changed.items()},
        })
        log.info("report_explanations_saved", report=report.pk, changed=sorted(changed))
    return changed
