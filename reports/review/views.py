"""Review pages: the 待办 inbox, the review page, the actions, notices and timeline export.

Thin: reads through selectors, writes through services; a refused action becomes a message and
changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from config.navigation import is_fragment, nav_badge
from reports.access import report_for
from reports.errors import ReportError
from reports.models import ReportEvent, ReportStatus
from reports.publishing.document import AnnualReportDocument
from reports.publishing.document_html import document_html
from reports.summary.comparison import checked, request_comparison
from reports.timeline import forget_timeline, read_timeline
from reports.workflow import REVIEW_STATUSES

from . import auditform, export, selectors, services
from .diff import report_redline
from .forms import ApproveForm, AssignReviewerForm, ReturnForm, StatusForm
from .models import Notification
from .permissions import refusal


@login_required
@require_safe
def inbox(request):
    if not request.user.has_perm("agencies.review_reports"):
        raise PermissionDenied("只有部门负责人和主管主任有待办审核。")
    return render(request, "reports/review/inbox.html", {"items": selectors.inbox_for(request.user)})


def review_context(request, report, *, return_form=None, approve_form=None, assign_form=None) -> dict:
    comparison = request_comparison(request, report)  # read once: the warnings, the 年报体检, the document
    check = checked(comparison)
    actions = _actions_context(request, report, approve_form=approve_form, return_form=return_form)
    last_return = selectors.last_return(report)
    last_submit = selectors.last_event(report, ReportEvent.Kind.SUBMITTED)
    resubmitted = bool(last_return and last_submit and last_submit.pk > last_return.pk)
    return {
        "report": report,
        "document_html": document_html(AnnualReportDocument(report, comparison.content)),
        "warnings": selectors.explained_warnings(report, check),
        **actions,
        "last_return": last_return,
        "returned": report.status == ReportStatus.RETURNED and last_return is not None,
        "last_comments": selectors.comments_of(last_return),
        "redline": report_redline(report, last_return) if resubmitted else None,
        "since": selectors.waiting_since(report),
        "level_one": (selectors.last_event(report, ReportEvent.Kind.APPROVED_HEAD)
                      if report.status == ReportStatus.PENDING_DIRECTOR else None),
        **_deadlock_context(request, report, assign_form, can_approve=actions["can_approve"]),
    }


def _actions_context(request, report, *, approve_form=None, return_form=None) -> dict:
    """What the page's actions (includes/actions.html) show: the forms the viewer may use, or why none."""
    targets = selectors.target_choices(report.format)
    initial = {"expected_status": report.status}
    return {
        "can_approve": request.user.has_perm("review.approve_report", report),
        "can_return": request.user.has_perm("review.return_report", report),
        "refusal": _refusal(request.user, report),
        "approve_form": approve_form or ApproveForm(initial=initial),
        "return_form": return_form or ReturnForm(initial=initial, targets=targets),
        "targets": targets,
    }


def _deadlock_context(request, report, assign_form=None, *, can_approve=False) -> dict:
    """When every holder of the level must stand aside: why, and for the district administrator
    the form to hand the level to another reviewer. A viewer who may approve is a holder (or the
    designee) who need not stand aside: then there is none, and the holders are not read."""
    deadlock = None if can_approve else selectors.review_deadlock(report)
    if deadlock is None:
        return {"deadlock": None}
    can_assign = request.user.has_perm("review.assign_reviewer", report)
    if can_assign and assign_form is None:
        assign_form = AssignReviewerForm(initial={"expected_status": report.status},
                                         candidates=selectors.reviewer_candidates(report))
    return {"deadlock": deadlock, "can_assign": can_assign, "assign_form": assign_form if can_assign else None}


def _refusal(user, report) -> str | None:
    """Why this person cannot act on a report under review (shown instead of the buttons)."""
    if report.status not in REVIEW_STATUSES:
        return None
    return refusal(user, "approve", report)


@login_required
@require_safe
def report_review(request, pk):
    report = report_for(request, pk, "review.view_review")
    read_timeline(report)  # the page shows it: its questions are answered from it
    return render(request, "reports/review/review.html", review_context(request, report))


def _act(request, report, service, success: str, **kwargs):
    try:
        service(report=report, by=request.user, request=request, **kwargs)
    except services.SubmissionBlocked as blocked:
        messages.error(request, blocked.message)
        return False
    except ReportError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


def _expected(request) -> str | None:
    form = StatusForm(request.POST)
    return form.cleaned_data["expected_status"] if form.is_valid() else None


@login_required
@require_POST
def submit(request, pk):
    report = report_for(request, pk, "review.view_review")
    _act(request, report, services.report_submit, "报告已提交，等待部门负责人审核。", expected_status=_expected(request))
    return redirect("reports:overview", pk=report.pk)


@login_required
@require_POST
def withdraw(request, pk):
    report = report_for(request, pk, "review.view_review")
    _act(request, report, services.report_withdraw, "已撤回提交，报告可以继续修改。", expected_status=_expected(request))
    return redirect("reports:overview", pk=report.pk)


@login_required
@require_POST
def approve(request, pk):
    """审核通过. Posted by htmx (the review page's form), it is answered in place: a reviewer approving a
    burst of reports does not wait for the whole page to be built again after each (approve_in_place)."""
    report = report_for(request, pk, "review.view_review")
    in_place = is_fragment(request)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        reason = refusal(request.user, "approve", report)
        if form.stale or reason:
            messages.error(request, reason or "页面已过期，请刷新后重试。")
            return redirect("review:report", pk=report.pk)  # for htmx: the page whole (HtmxRedirectMiddleware)
        # A point not ticked or no opinion: say which, keep what was ticked and typed.
        messages.error(request, "审核通过未执行：" + "；".join(e for errors in form.errors.values() for e in errors))
        if in_place:
            return render(request, "reports/review/includes/approve_refused.html",
                          {"report": report, "approve_form": form})
        context = review_context(request, report, approve_form=form)
        return render(request, "reports/review/review.html", context, status=400)
    done = _act(request, report, services.report_approve, f"{report.state.level_label}通过。",
                comment=form.cleaned_data["comment"], confirmed=form.cleaned_data["points"],
                expected_status=form.cleaned_data["expected_status"])
    if not (done and in_place):
        return redirect("review:report", pk=report.pk)  # refused: the page whole, saying why
    return approve_in_place(request, report)


def approve_in_place(request, report):
    """The review page's actions built again for the report as it now is, the rest of the page updated
    out of band (the message, the status and since when, the timeline, the 待办 badge): what a reload would
    change for the approver. The level-one summary a reload adds is for the 主管主任, who opens the page."""
    report.refresh_from_db(fields=["status"])  # what the approval changed; the body and year stay read
    forget_timeline(report)  # read before the approval, if at all: read again with it
    read_timeline(report)  # the timeline and since when the report is in its new state, from one read
    response = render(request, "reports/review/includes/approved.html", {
        "report": report,
        "since": selectors.waiting_since(report),
        **_actions_context(request, report),
        "waiting": nav_badge("review:inbox", request.user) if request.user.has_perm("agencies.review_reports") else None,
    })
    response["HX-Retarget"] = "#review-actions"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_POST
def send_back(request, pk):
    report = report_for(request, pk, "review.view_review")
    form = ReturnForm(request.POST, targets=selectors.target_choices(report.format))
    if not form.is_valid():
        messages.error(request, "退回未执行：" + "；".join(e for errors in form.errors.values() for e in errors))
        context = review_context(request, report, return_form=form)
        return render(request, "reports/review/review.html", context, status=400)
    done = _act(request, report, services.report_return, "已退回填报人修改。", reason=form.cleaned_data["reason"],
                comments=form.comments(), expected_status=form.cleaned_data["expected_status"])
    report.refresh_from_db()
    if not done and request.user.has_perm("review.return_report", report):
        # Refused for what was typed (not for who or when): keep the reason and comments typed.
        context = review_context(request, report, return_form=form)
        return render(request, "reports/review/review.html", context, status=400)
    return redirect("review:report", pk=report.pk)


@login_required
@require_POST
def assign_reviewer(request, pk):
    report = report_for(request, pk, "review.view_review")
    form = AssignReviewerForm(request.POST, candidates=selectors.reviewer_candidates(report))
    if not form.is_valid():
        messages.error(request, "指定审核人未执行：" + "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("review:report", pk=report.pk)
    reviewer = form.cleaned_data["reviewer"]
    names = dict(form.fields["reviewer"].choices)
    _act(request, report, services.report_reviewer_assign, f"已指定{names.get(reviewer, '')}进行{report.state.level_label}，"
         "并已通知本人。", reviewer_id=reviewer, expected_status=form.cleaned_data["expected_status"])
    return redirect("review:report", pk=report.pk)


@login_required
@require_safe
def report_status(request, pk):
    """The report's status as a small fragment, polled by the overview and review pages (htmx, with
    the header X-Nianbao-Poll: 1, so that polling does not count as activity for the idle timeout).
    When it differs from what the page was built with (`seen`), it says so and offers a reload."""
    report = report_for(request, pk, "review.view_review")
    seen = request.GET.get("seen", "")
    response = render(request, "reports/review/includes/status.html", {
        "report": report, "changed": seen in ReportStatus.values and seen != report.status,
        "seen": seen if seen in ReportStatus.values else report.status,
    })
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def timeline_export(request, pk, fmt):
    report = report_for(request, pk, "review.view_review")
    if not request.user.has_perm("review.export_timeline", report):
        raise PermissionDenied("只有区管理员可以导出时间线。")
    if fmt == "csv":
        name, content = export.timeline_csv(report)
        content_type = "text/csv; charset=utf-8"
    else:
        name, content = export.timeline_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def audit_form_pdf(request, pk, version):
    """审核表 of a published version, drawn from the approvals on its timeline."""
    report = report_for(request, pk, "review.view_audit_form")
    form = auditform.audit_form(report, version)
    if form is None:
        raise Http404("这一版本没有审核表：报告尚未发布此版本，或为导入的历史报告。")
    response = HttpResponse(auditform.audit_form_pdf(form), content_type="application/pdf")
    response["Content-Disposition"] = form.content_disposition
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Notices


@login_required
@require_safe
def notification_list(request):
    notices = Notification.objects.filter(recipient=request.user).select_related("report")[:200]
    return render(request, "reports/review/notifications.html", {"notices": notices})


@login_required
@require_safe
def notification_open(request, pk):
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()}):
        return redirect(notice.url)
    return redirect("review:notifications")


@login_required
@require_POST
def notifications_read(request):
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    count = unread.update(read_at=timezone.now())
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect("review:notifications")
