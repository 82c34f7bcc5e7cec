"""One section's page: the form, its autosave, and what the page needs to survive an expired sign-in.

The page posts either the whole form (the 保存 buttons) or, from static/js/entry-autosave.js, a JSON body
{version, cells, texts, choices}. Both become the same call to `report_section_save(merge=True)`:
only what this person changed since the page was loaded is written, a field that someone else
changed differently in between is shown side by side for the person to choose.
"""

import json
from dataclasses import dataclass, field
from functools import cache, wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import json_script
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config.middleware import session_ended_text

from ..access import report_for
from ..errors import ReportError, ReportLocked
from ..formats import rules as format_rules
from ..formats.cells import CellValueError, parse_cell
from ..models import ReportStatus
from ..publishing.document import PartView, part_view, table_view
from ..review.selectors import comments_of, last_return
from ..selectors import contents_of_two_years, report_check, results_by_section
from ..services import report_section_save
from ..typed import TEXT_LIMIT


def _signed_out_message() -> str:
    return f"{session_ended_text()}。您输入的内容已暂存在本机浏览器中，重新登录后会自动保存。"


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in request.headers.get(
        "Accept", "")


def _signed_in(view):
    """login_required, except that the page's own fetch gets an answer it can act on: a 401 with
    JSON (keep the draft, offer to sign in again), never the HTML of the login page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if _wants_json(request):
            return JsonResponse({"ok": False, "signed_out": True, "message": _signed_out_message(),
                                 "login_url": _login_url()}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _login_url() -> str:
    return f"{reverse('accounts:login')}?next={reverse('reports:signed_in')}"


# ---------------------------------------------------------------------------------------------
# The page


@dataclass
class EntryPart:
    """A text part on the form: its text, the message if it was not saved, a return's comments."""

    view: PartView
    error: str = ""
    comments: list = field(default_factory=list)


@cache
def format_json_script(fmt):
    """The definition as a JSON data block for rules.js; formats are immutable, so built once."""
    return json_script(format_rules.format_json(fmt), "format-json")


def _section_of(report, key):
    try:
        return report.format.section(key)
    except KeyError:
        raise Http404("没有这一部分。") from None


def _review_comments(report, key) -> dict:
    """The comments of the return the filler is answering, by what they point at."""
    if report.status != ReportStatus.RETURNED:
        return {}
    found: dict[str, list] = {}
    for comment in comments_of(last_return(report)):
        if comment.section_key == key:
            found.setdefault(comment.target, []).append(comment)
    return found


def _section_context(request, report, key, *, typed=None, errors=None, version=None, refused=None,
                     conflicts=None, conflict_message=""):
    fmt = report.format
    section = _section_of(report, key)
    content, previous, previous_content = contents_of_two_years(report)  # last year's: the checks and the hints
    stored = content.sections[key]
    values = format_rules.compute(fmt, content.values)
    raw = {**content.raw}
    errors = {**{c: _parse_error(fmt, c, typed_raw) for c, typed_raw in raw.items() if c.startswith(key + ".")},
              **(errors or {}), **(refused or {})}
    texts = dict(content.texts)
    if typed is not None:  # re-show exactly what the person typed (conflict or error)
        raw.update(typed["cells"])
        texts.update(typed["texts"])
    comments = _review_comments(report, key)
    tables = [table_view(fmt, t, values, raw=raw, errors=errors, carried=report.carried_over, comments=comments)
              for t in section.tables]
    if typed is not None:
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    if cell.id in typed["cells"] and not cell.computed:
                        cell.raw, cell.error = typed["cells"][cell.id], errors.get(cell.id, "")
                        cell.text = cell.raw
    parts = []
    for part in section.parts:
        view = part_view(part, texts)
        view.text = texts.get(part.key, "")  # exactly as stored: the merge compares with it
        parts.append(EntryPart(view, error=errors.get(part.key, ""), comments=comments.get(part.key, [])))
    check = report_check(report, content, previous=previous, previous_content=previous_content)
    index = [s.key for s in fmt.sections].index(key)
    return {
        "report": report, "fmt": fmt, "section": section, "tables": tables, "parts": parts,
        "version": version or stored.version, "stored": stored,
        "can_edit": request.user.has_perm("reports.edit_report", report),
        "problems": results_by_section(fmt, check.results).get(key, []),
        "format_json_script": format_json_script(fmt),
        "entry_context": _entry_context(content, previous, previous_content),
        "prev_section": fmt.sections[index - 1] if index else None,
        "next_section": fmt.sections[index + 1] if index + 1 < len(fmt.sections) else None,
        "missing_carry": report.carry_over_note if key in ("s2", "s3") else "",
        "section_comments": comments.get(key, []),
        "conflicts": conflicts or [], "conflict_message": conflict_message,
        "text_limit": TEXT_LIMIT, "login_url": _login_url(), "session_ended": session_ended_text(),
    }


def _parse_error(fmt, cell_id, typed) -> str:
    try:
        parse_cell(fmt.cell(cell_id).type, typed)
    except CellValueError as error:
        return str(error)
    return ""


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


# ---------------------------------------------------------------------------------------------
# What was posted


class BadInput(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


CHOICES = ("mine", "theirs", "")


def _typed_from_json(request) -> dict:
    """The autosave's JSON body, checked for shape: anything else is a 400 with a message."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadInput("保存请求的内容无法识别（不是有效的 JSON），没有保存。请刷新页面后重试。") from None
    if not isinstance(body, dict):
        raise BadInput("保存请求的内容应为一个对象，没有保存。")
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise BadInput("保存请求缺少本页的版本号（version 应为整数），没有保存。请刷新页面后重试。")
    typed = {"version": version}
    for name in ("cells", "texts", "choices"):
        given = body.get(name, {})
        if not isinstance(given, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in given.items()):
            raise BadInput(f"保存请求中的“{name}”应为“编号: 文字”的对象，没有保存。")
        typed[name] = given
    if any(v not in CHOICES for v in typed["choices"].values()):
        raise BadInput("保存请求中的选择只能是 mine、theirs 或空，没有保存。")
    return typed


def _typed_from_form(request) -> dict:
    """The whole form, posted by its 保存 buttons; a field with an open conflict carries
    `conflict:<field>`, the button that chose for it `resolve:<field>`."""
    post = request.POST
    try:
        version = int(post.get("version", ""))
    except ValueError:
        raise BadInput("表单缺少本页的版本号，没有保存。请重新打开本页后再填写。") from None
    choices = {k[9:]: "" for k in post if k.startswith("conflict:")}
    choices.update((k[8:], v) for k, v in post.items() if k.startswith("resolve:") and v in ("mine", "theirs"))
    return {
        "version": version,
        "cells": {k[5:]: v for k, v in post.items() if k.startswith("cell:")},
        "texts": {k[5:]: v for k, v in post.items() if k.startswith("text:")},
        "choices": choices,
    }


# ---------------------------------------------------------------------------------------------
# Views


@_signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def section_edit(request, pk, key):
    report = report_for(request, pk)
    _section_of(report, key)
    if request.method != "POST":
        return render(request, "reports/section_edit.html", _section_context(request, report, key))
    wants_json = _wants_json(request)
    if not request.user.has_perm("reports.edit_report", report):
        message = f"报告当前状态为“{report.get_status_display()}”，您不能修改。"
        if wants_json:
            return JsonResponse({"ok": False, "message": message}, status=403)
        messages.error(request, message)
        return redirect("reports:section", pk=report.pk, key=key)
    try:
        typed = _typed_from_json(request) if request.content_type == "application/json" else _typed_from_form(request)
    except BadInput as error:
        if wants_json:
            return JsonResponse({"ok": False, "message": error.message}, status=400)
        messages.error(request, error.message)
        return redirect("reports:section", pk=report.pk, key=key)
    try:
        result = report_section_save(report=report, key=key, cells=typed["cells"], texts=typed["texts"],
                                     base_version=typed["version"], by=request.user, request=request,
                                     merge=True, choices=typed["choices"])
    except ReportError as error:
        if wants_json:
            return JsonResponse({"ok": False, "message": error.message},
                                status=403 if isinstance(error, ReportLocked) else 400)
        messages.error(request, error.message)
        return redirect("reports:overview", pk=report.pk)
    if wants_json:
        return JsonResponse(_save_answer(result), status=409 if result.conflicts else 200)
    return _after_form_save(request, report, key, typed, result)


def _save_answer(result) -> dict:
    """What the page needs after an autosave to show exactly what is stored and what is not."""
    conflicts = result.conflicts
    return {
        "ok": True, "version": result.section.version, "saved": bool(result.changed),
        "errors": result.errors, "refused": result.refused, "cleaned": result.cleaned,
        "merged": result.merged, "conflicts": [c["key"] for c in conflicts],
        "conflict_html": render_to_string("reports/includes/section_conflicts.html", {
            "conflicts": conflicts, "conflict_message": result.conflict_message}) if conflicts else "",
        "notes": result.notes,
    }


def _after_form_save(request, report, key, typed, result):
    for note in result.notes:
        messages.info(request, note)
    if result.conflicts or result.refused or result.errors:
        if result.refused:
            messages.error(request, f"有 {len(result.refused)} 项没有保存，请按提示修改；您输入的内容仍在本页。")
        if result.errors:
            messages.warning(request, f"已保存草稿，但有 {len(result.errors)} 个单元格无法识别，请按提示修改。")
        # Show what is stored for what was merged, what the person typed for everything else.
        shown = {
            "cells": {k: v for k, v in typed["cells"].items() if k not in result.merged},
            "texts": {k: v for k, v in typed["texts"].items() if k not in result.merged},
        }
        for name, text in result.cleaned.items():
            shown["cells" if name in typed["cells"] else "texts"][name] = text
        context = _section_context(request, report, key, typed=shown, errors=result.errors,
                                   refused=result.refused, version=result.section.version,
                                   conflicts=result.conflicts, conflict_message=result.conflict_message)
        return render(request, "reports/section_edit.html", context, status=409 if result.conflicts else 200)
    messages.success(request, "已保存。" if result.changed else "内容没有变化。")
    if request.POST.get("next") == "next":
        following = _section_context(request, report, key)["next_section"]
        if following:
            return redirect("reports:section", pk=report.pk, key=following.key)
    return redirect("reports:section", pk=report.pk, key=key)


@never_cache
@require_GET
def session_state(request):
    """For a page whose sign-in expired: is the person signed in again, and with which CSRF token."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "message": _signed_out_message(), "login_url": _login_url()})
    return JsonResponse({"signed_in": True, "user": request.user.pk, "name": request.user.display_name,
                         "csrf": get_token(request)})


@_signed_in
@require_GET
def signed_in(request):
    """Where the login opened from an expired page lands: it tells that page to carry on."""
    return render(request, "reports/signed_in.html")
