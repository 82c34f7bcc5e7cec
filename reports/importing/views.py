"""导入历史报告, for the district administrator: upload a report file or a ZIP of a portal column,
watch it being read, check each parse beside its source, type in the unread cells, confirm.

Thin: batch.py stages and reads (in a Celery task), services.report_import stores on confirmation.
Nothing is stored before the confirmation of an entry. A batch belongs to the person who uploaded
it; anyone else gets a 404, anyone who may not manage a district a 403.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Body
from agencies.selectors import user_roles

from ..errors import ReportError
from ..formats import get_format
from ..formats.cells import format_cell, from_json_value
from . import batch as batches
from .pdf import render_page
from .services import ImportRefused, report_import
from .tasks import parse_batch


def _districts(request):
    if not request.user.has_perm("agencies.manage_district"):
        raise PermissionDenied("只有区管理员可以导入历史报告。")
    return user_roles(request.user).districts


def _batch(request, batch_id: str) -> dict:
    districts = _districts(request)
    try:
        state = batches.batch_state(batch_id)
    except batches.BatchError:
        state = None
    if state is None or state["user"] != request.user.pk or state["district"] not in districts:
        raise Http404("没有这次上传（或已超过 24 小时被清理）。")
    return state


def _entry(state: dict, number: int) -> dict:
    if not 0 <= number < len(state["entries"]):
        raise Http404("没有这个文件。")
    return state["entries"][number]


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    districts = _districts(request)
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            messages.error(request, "请选择要上传的报告文件或 ZIP。")
            return redirect("importing:upload")
        if uploaded.size > batches.MAX_UPLOAD_BYTES:
            messages.error(request, f"文件超过 {batches.MAX_UPLOAD_BYTES // 1024 // 1024} MB。请分批上传。")
            return redirect("importing:upload")
        try:
            batch_id = batches.batch_create(name=uploaded.name, data=uploaded.read(), user_id=request.user.pk,
                                            district_id=min(districts))
        except ReportError as error:
            messages.error(request, error.message)
            return redirect("importing:upload")
        transaction.on_commit(lambda: parse_batch.delay(batch_id))
        return redirect("importing:batch", batch_id=batch_id)
    return render(request, "reports/importing/upload.html", {
        "max_mb": batches.MAX_UPLOAD_BYTES // 1024 // 1024, "max_entries": batches.MAX_ENTRIES})


@login_required
@require_safe
def batch(request, batch_id):
    state = _batch(request, batch_id)
    bodies = Body.objects.filter(district_id=state["district"]).order_by("kind", "sort_order", "code")
    for entry in state["entries"]:
        entry["body_id"] = entry.get("body_id") or _guess_body(entry.get("body"), bodies)
    return render(request, "reports/importing/batch.html", {
        "state": state, "bodies": bodies, "parsing": state["status"] != "done"})


def _guess_body(name: str | None, bodies) -> int | None:
    """The district's body whose name the title carries (never a guess between two)."""
    if not name:
        return None
    found = [b.pk for b in bodies if b.name in name or name in b.name
             or (b.short_name and b.short_name in name)]
    return found[0] if len(found) == 1 else None


@login_required
@require_http_methods(["GET", "POST"])
def entry(request, batch_id, number):
    state = _batch(request, batch_id)
    item = _entry(state, number)
    if item["state"] == "waiting":
        messages.info(request, "这个文件还在读取中，请稍候。")
        return redirect("importing:batch", batch_id=batch_id)
    bodies = list(Body.objects.filter(district_id=state["district"]).order_by("kind", "sort_order", "code"))
    typed = {k: v.strip() for k, v in request.POST.items() if k.startswith("s") and "." in k}
    chosen = {
        "body": request.POST.get("body") or item.get("body_id") or _guess_body(item.get("body"), bodies),
        "year": request.POST.get("year") or item.get("year") or "",
        "published_on": request.POST.get("published_on") or item.get("published_on") or "",
    }
    if request.method == "POST" and item["state"] == "read":
        done = _confirm(request, state, item, chosen, typed, bodies)
        if done:
            return redirect("importing:batch", batch_id=batch_id)
    context = {"state": state, "item": item, "bodies": bodies, "chosen": chosen, "typed": typed}
    if item["state"] in ("read", "imported"):
        context["tables"] = _tables(item)
    return render(request, "reports/importing/entry.html", context)


def _confirm(request, state, item, chosen, typed, bodies) -> bool:
    body = next((b for b in bodies if str(b.pk) == str(chosen["body"])), None)
    if body is None:
        messages.error(request, "请选择报告所属的单位。")
        return False
    try:
        year = int(chosen["year"])
    except (TypeError, ValueError):
        messages.error(request, "请填写报告年度，例如 2024。")
        return False
    published_on = None
    if chosen["published_on"]:
        try:
            published_on = datetime.date.fromisoformat(str(chosen["published_on"]))
        except ValueError:
            messages.error(request, "原发布日期格式不对，请写作 2025-01-20。")
            return False
    try:
        outcome = report_import(body=body, year=year, text=item["text"], by=request.user, source=item["name"],
                                published_on=published_on, filled=typed, unplaced_seen=True)
    except ImportRefused as refused:
        missing = [c for c in refused.result.missing if not typed.get(c)]
        messages.error(request, f"没有导入：还有 {len(missing)} 个单元格未填写。" if missing
                       else refused.message)
        return False
    except ReportError as error:
        messages.error(request, error.message)
        return False
    batches.entry_update(state["id"], item["n"], state="imported", report_id=outcome.report.pk,
                         imported_as=outcome.report.title)
    messages.success(request, f"已导入：{outcome.report.title}（{len(outcome.result.values)} 个数字）。")
    return True


def _tables(item: dict) -> list[dict]:
    """The parse as the official tables: each cell's value as read, or an input where it was not."""
    fmt = get_format(item["version"], item.get("variant"))
    places = {c: p for p in item.get("unread_places", []) for c in p["cells"]}
    tables = []
    for table in fmt.tables():
        rows = []
        for row in table.leaf_rows():
            cells = []
            for column in table.leaf_columns():
                cell_id = table.cell_id(row, column)
                value = item["values"].get(cell_id)
                shown = format_cell(column.type, from_json_value(column.type, value)) if value is not None else None
                cells.append({"id": cell_id, "value": shown, "label": fmt.cell(cell_id).label,
                              "place": places.get(cell_id)})
            rows.append({"label": table.row_label(row), "cells": cells})
        columns = [table.column_label(c) for c in table.leaf_columns()]
        tables.append({"key": table.key, "caption": table.caption or fmt.section(table.key[:2]).title,
                       "columns": columns, "rows": rows})
    return tables


@login_required
@require_safe
def page_image(request, batch_id, number, page):
    """A page of an uploaded PDF with its table regions outlined (rendered on the server)."""
    state = _batch(request, batch_id)
    item = _entry(state, number)
    if item.get("kind") != "pdf" or not 1 <= page <= item.get("pages", 0):
        raise Http404("没有这一页。")
    boxes = [box for p, box in item.get("regions", []) if p == page]
    png = render_page(batches.entry_bytes(batch_id, number), page, boxes)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def discard(request, batch_id):
    state = _batch(request, batch_id)
    batches.batch_discard(state["id"])
    messages.info(request, "已放弃这次上传，未导入的文件已删除。")
    return redirect("importing:upload")
