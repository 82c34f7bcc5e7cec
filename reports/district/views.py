"""The 区管理员's reporting years: the list, opening one (a past one after a confirmation), reports for
bodies added after a year was opened, its schedule, the progress board with
its XLSX export, and the one-click reminder. Thin: selectors read, services write; a domain error
becomes a message."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Body, BodyKind, District
from agencies.selectors import user_roles
from config.http import GET_OR_POST

from ..errors import ReportError
from ..health.board import board_scores
from ..models import ReportStatus
from .chart import progress_chart
from .export import board_workbook
from .forms import NewBodiesReportForm, YearOpenForm, YearScheduleForm
from .rows import board_rows_html
from .selectors import BoardFilters, district_years, progress_board, weekly_progress
from .services import (
    bodies_without_report,
    district_year_open,
    district_year_opening,
    reporting_year_schedule_update,
    reports_create_for_new_bodies,
    reports_remind,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_SAVED = "未保存：请按提示修改后重新提交。"


def admin_districts(request):
    """The districts this person administers; anyone else is refused (403)."""
    if not request.user.has_perm("agencies.manage_district"):
        raise PermissionDenied("只有区管理员可以访问此页面。")
    return user_roles(request.user).districts


def readable_districts(request):
    """The districts whose board and summary this person may read: a 区管理员 their own, a 市管理员
    every district of their city (read only: changes stay with each district's administrators)."""
    if not request.user.has_perm("agencies.read_districts"):
        raise PermissionDenied("只有区管理员或市管理员可以访问此页面。")
    return user_roles(request.user).readable_districts


def year_for(request, pk, *, read_only=False):
    """A year of another district does not exist for this person (404)."""
    districts = readable_districts(request) if read_only else admin_districts(request)
    return get_object_or_404(district_years(districts), pk=pk)


def manages(request, reporting_year) -> bool:
    """Whether this person administers the year's district (else they only read it, as a 市管理员)."""
    return reporting_year.district_id in user_roles(request.user).districts


@login_required
@require_safe
def year_list(request):
    districts = admin_districts(request)
    years = list(district_years(districts))
    for reporting_year in years:
        reporting_year.new_bodies = list(bodies_without_report(reporting_year))
        reporting_year.new_bodies_form = NewBodiesReportForm(
            initial={"bodies": ",".join(str(b.pk) for b in reporting_year.new_bodies)})
    return render(request, "reports/district/year_list.html", {"years": years})


@login_required
@require_http_methods(GET_OR_POST)
def year_open(request):
    """Open a year. One whose deadline has passed asks first, saying how many overdue drafts it makes."""
    districts = admin_districts(request)
    form = YearOpenForm(request.POST or None, action=reverse("district:year_open"))
    opening = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        district = District.objects.filter(pk__in=districts).order_by("pk").first()
        try:
            opening = district_year_opening(district=district, year=data["year"], deadline=data["deadline"],
                                            variant=data["variant"])
            token = form.confirmation(opening.year, opening.deadline)
            if opening.past_deadline and data["confirmed"] != token:
                form.ask_to_confirm(token, f"确认开启，创建 {opening.drafts} 份报告草稿")
                return render(request, "reports/district/year_open.html", {"form": form, "opening": opening})
            reporting_year = district_year_open(
                district=district, year=data["year"], variant=data["variant"], deadline=data["deadline"],
                reminder_days=data["reminder_days"], by=request.user)
        except ReportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已开启{reporting_year.year}年度，为 {reporting_year.reports.count()} "
                                      "个单位创建了报告草稿。")
            return redirect("district:board", pk=reporting_year.pk)
    if form.errors:
        messages.error(request, NOT_SAVED)
        return render(request, "reports/district/year_open.html", {"form": form}, status=400)
    return render(request, "reports/district/year_open.html", {"form": form})


@login_required
@require_POST
def year_new_bodies(request, pk):
    """为新增单位创建报告: the bodies listed on the 报告年度 page get their draft of this year."""
    reporting_year = year_for(request, pk)
    form = NewBodiesReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors.get("bodies", ["请刷新页面后重试。"])))
        return redirect("district:years")
    bodies = list(Body.objects.filter(district_id=reporting_year.district_id, pk__in=form.cleaned_data["bodies"]))
    try:
        created = reports_create_for_new_bodies(reporting_year=reporting_year, bodies=bodies, by=request.user)
    except ReportError as error:
        messages.error(request, error.message)
    else:
        names = "、".join(report.body_name for report in created)
        messages.success(request, f"已为 {len(created)} 个新增单位创建{reporting_year.year}年度报告草稿：{names}。")
    return redirect("district:years")


@login_required
@require_http_methods(GET_OR_POST)
def year_schedule(request, pk):
    reporting_year = year_for(request, pk)
    initial = {"deadline": reporting_year.deadline,
               "reminder_days": ",".join(str(d) for d in reporting_year.reminder_days or [])}
    form = YearScheduleForm(request.POST or None, initial=initial,
                            action=reverse("district:year_schedule", args=[reporting_year.pk]))
    if request.method == "POST" and form.is_valid():
        try:
            reporting_year_schedule_update(reporting_year=reporting_year, deadline=form.cleaned_data["deadline"],
                                           reminder_days=form.cleaned_data["reminder_days"], by=request.user)
        except ReportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "报送截止日期和催报提醒已保存。")
            return redirect("district:board", pk=reporting_year.pk)
    context = {"reporting_year": reporting_year, "form": form}
    if form.errors:
        messages.error(request, NOT_SAVED)
        return render(request, "reports/district/year_schedule.html", context, status=400)
    return render(request, "reports/district/year_schedule.html", context)


@login_required
@require_safe
def board(request, pk):
    reporting_year = year_for(request, pk, read_only=True)
    filters = BoardFilters.from_query(request.GET)
    data = progress_board(reporting_year, filters)
    chart = progress_chart(weekly_progress(reporting_year, total=data.total, today=data.today))
    scores = board_scores(reporting_year)
    return render(request, "reports/district/board.html", {
        "reporting_year": reporting_year, "board": data, "chart": chart, "filters": filters,
        "rows_html": board_rows_html(data.rows, scores.scores, computing=scores.computing), "scores": scores,
        "statuses": ReportStatus.choices, "kinds": BodyKind.choices, "can_manage": manages(request, reporting_year),
    })


@login_required
@require_safe
def board_export(request, pk):
    reporting_year = year_for(request, pk, read_only=True)
    data = progress_board(reporting_year, BoardFilters.from_query(request.GET))
    response = HttpResponse(board_workbook(data), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="progress-{reporting_year.year}.xlsx"'
    return response


@login_required
@require_POST
def remind(request, pk):
    reporting_year = year_for(request, pk)
    count = reports_remind(reporting_year=reporting_year, by=request.user,
                           not_since=timezone.now() - timedelta(hours=1), request=request)
    if count:
        messages.success(request, f"已向 {count} 个尚未提交的单位发送催报提醒，并记入各报告的时间线。")
    else:
        messages.info(request, "没有需要提醒的单位（都已提交，或一小时内已提醒过）。")
    return redirect("district:board", pk=reporting_year.pk)


@login_required
@require_safe
def progress(request):
    """The navigation's 进度: the board of the latest year (or the years, when none is open)."""
    latest = district_years(admin_districts(request)).first()
    if latest is None:
        messages.info(request, "还没有开启任何报告年度。")
        return redirect("district:years")
    return redirect("district:board", pk=latest.pk)
