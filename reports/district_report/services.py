"""Writes of the district report: starting it from the summary of the published reports, and
recording what a body's correction changed in that summary (with a notice to the administrators)."""

import structlog
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.admin_services import admin_action_record, role_assign
from agencies.models import AdminAction, Body, BodyKind, District, Role, RoleAssignment, User

from ..errors import ReportError
from ..formats import rules as format_rules
from ..formats.cells import format_cell, from_json_value, to_json_value
from ..models import AnnualReport, ReportEvent, ReportingYear, ReportSection
from ..review import notifications as notices
from ..services import annual_report_create
from ..summary.summary import district_summary
from ..timeline import event_record
from .draft import draft_texts
from .models import DistrictReport, SummaryChange

log = structlog.get_logger(__name__)


def district_government(district: District) -> Body | None:
    return Body.objects.filter(district=district, kind=BodyKind.DISTRICT_GOVERNMENT).first()


def district_government_ensure(*, district: District, by: User | None) -> Body:
    """The 区政府 body of a district (created once, in the 操作记录), whose 部门负责人 and 主管主任 review
    the district's report."""
    body = district_government(district)
    if body is not None:
        return body
    name = district.name if district.name.endswith("人民政府") else f"{district.name}人民政府"
    body = Body.objects.create(district=district, code=f"{district.code}-gov", kind=BodyKind.DISTRICT_GOVERNMENT,
                               name=name, short_name="区政府", sort_order=0)
    admin_action_record(district=district, actor=by, kind=AdminAction.Kind.BODY_CREATED, body=body,
                        summary=f"新增单位：{name}（区政府，编制区政府年度报告）",
                        data={"code": body.code, "kind": body.kind})
    return body


def _previous_sums(reporting_year: ReportingYear) -> dict | None:
    previous = ReportingYear.objects.filter(district_id=reporting_year.district_id,
                                            year=reporting_year.year - 1).first()
    if previous is None:
        return None
    sums = district_summary(previous).sums
    cells = reporting_year.format.cells()
    return {cell_id: value for cell_id, value in sums.items() if cell_id in cells}


def _prefill_sections(report: AnnualReport, values: dict, texts: dict, by: User) -> None:
    fmt = report.format
    computed = format_rules.compute(fmt, values)
    for section in fmt.sections:
        ids = [c.id for t in section.tables for c in t.cells()]
        ReportSection.objects.filter(report=report, key=section.key).update(
            values={c: to_json_value(fmt.cell(c).type, computed.get(c, 0)) for c in ids},
            texts={p.key: texts[p.key] for p in section.parts if p.key in texts}, raw={}, updated_by=by,
        )


@transaction.atomic
def district_report_start(*, reporting_year: ReportingYear, by: User) -> DistrictReport:
    """The district government's report of the year: every statistics cell from the summary of the
    published reports, the texts drafted from it, the missing bodies noted. The administrator who
    starts it fills it in (a 填报人 role on the 区政府 body). Started once: a second start is refused."""
    district = reporting_year.district
    if not (by.is_active and RoleAssignment.objects.current().filter(
            user=by, role=Role.DISTRICT_ADMIN, district=district).exists()):
        raise ReportError("只有本区的区管理员可以编制区政府年度报告。")
    locked = ReportingYear.objects.select_for_update().get(pk=reporting_year.pk)
    if DistrictReport.objects.filter(reporting_year=locked).exists():
        raise ReportError(f"{locked.year}年度区政府年度报告已经开始编制。")
    body = district_government_ensure(district=district, by=by)
    if AnnualReport.objects.filter(reporting_year=locked, body=body).exists():
        raise ReportError(f"{body.name}{locked.year}年度的报告已经存在。")
    summary = district_summary(locked)
    fmt = locked.format
    sums = {cell_id: value for cell_id, value in summary.sums.items() if not fmt.cell(cell_id).computed}
    missing = [m.name for m in summary.missing]
    texts = draft_texts(fmt, year=locked.year, district=district.name, sums=summary.sums,
                        previous=_previous_sums(locked), bodies=len(summary.bodies), missing=missing,
                        today=timezone.localdate())
    report = annual_report_create(reporting_year=locked, body=body, by=by)
    report.carried_over = {}
    report.save(update_fields=["carried_over", "updated_at"])
    _prefill_sections(report, sums, texts, by)
    prefill = {c: to_json_value(fmt.cell(c).type, v) for c, v in summary.sums.items()}
    try:
        with transaction.atomic():
            started = DistrictReport.objects.create(
                reporting_year=locked, report=report, started_by=by, prefill=prefill,
                bodies=[name for _pk, name in summary.bodies], missing=missing)
    except IntegrityError:  # a concurrent start won
        raise ReportError(f"{locked.year}年度区政府年度报告已经开始编制。") from None
    event_record(report=report, kind=ReportEvent.Kind.SAVED, actor=by, from_status=report.status,
                 to_status=report.status, comment="由区级汇总预填统计数据并生成文字草稿",
                 data={"district_report": True, "bodies": len(summary.bodies), "missing": missing})
    if not RoleAssignment.objects.current().filter(user=by, body=body, role=Role.FILLER).exists():
        role_assign(user=by, role=Role.FILLER, by=by, district=district, body=body, start_date=timezone.localdate())
    log.info("district_report_started", year=locked.year, district=district.pk, report=report.pk,
             missing=len(missing))
    return started


def _values_of(version) -> dict:
    return dict((version.content or {}).get("values", {})) if version is not None else {}


@transaction.atomic
def summary_change_record(*, report: AnnualReport, version: int) -> SummaryChange | None:
    """A body's report was published again (更正) while the district's report of the year is out:
    record which summary cells the correction changed (old → new) and tell the district
    administrators. Idempotent per corrected version; nothing when no summary cell changed."""
    from ..publishing.models import ReportPdf

    if version <= 1 or report.body.kind == BodyKind.DISTRICT_GOVERNMENT or report.imported:
        return None
    started = (DistrictReport.objects.select_related("report", "reporting_year__district")
               .filter(reporting_year_id=report.reporting_year_id).first())
    if started is None or not started.report.pdf_versions.filter(status=ReportPdf.Status.DONE).exists():
        return None
    if SummaryChange.objects.filter(source=report, version=version).exists():
        return None
    done = report.pdf_versions.filter(status=ReportPdf.Status.DONE)
    before, after = _values_of(done.filter(version__lt=version).order_by("-version").first()), \
        _values_of(done.filter(version=version).first())
    fmt = report.format
    now = district_summary(report.reporting_year).sums
    cells = []
    for cell_id, cell in fmt.cells().items():
        old_value = from_json_value(cell.type, before.get(cell_id)) if before.get(cell_id) is not None else 0
        new_value = from_json_value(cell.type, after.get(cell_id)) if after.get(cell_id) is not None else 0
        if old_value == new_value:
            continue
        new_sum = now.get(cell_id, 0)
        old_sum = new_sum - new_value + old_value
        cells.append({"cell": cell_id, "label": cell.label, "old": format_cell(cell.type, old_sum),
                      "new": format_cell(cell.type, new_sum)})
    if not cells:
        return None
    change = SummaryChange.objects.create(district_report=started, source=report, version=version, cells=cells)
    district = started.reporting_year.district
    notices.notify(
        users=notices.district_admins(district), report=started.report, kind="district_summary_changed",
        title=f"{report.body_name}更正了{report.year}年度报告，区级汇总有 {len(cells)} 项数据变化",
        body=(f"{report.title}更正后的第{version}版已发布，区政府年度报告所依据的汇总数据有 {len(cells)} 项变化："
              + "；".join(f"{c['label']} {c['old']}→{c['new']}" for c in cells[:5])
              + ("等" if len(cells) > 5 else "") + "。请核对区政府年度报告是否需要更正。"),
        url=reverse("district_report:detail", args=[started.pk]) + "#changes",
    )
    return change
