"""Template pieces the review adds to pages it does not own: the report overview and the workspace."""

import functools
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.models import ReportStatus
from reports.permissions import is_designated_reader
from reports.timeline import read_timeline
from reports.workflow import REVIEW_STATUSES, sources

from .. import selectors
from ..auditform import audit_form_versions
from ..export import timeline_rows
from ..notifications import unread_count
from ..permissions import refusal

register = template.Library()
S = ReportStatus


@register.inclusion_tag("reports/review/includes/panel.html", takes_context=True)
def review_panel(context, report, check=None):
    """On the report overview: submit (with what blocks it), withdraw, the comments of a return,
    and the way to the review page."""
    user = context["request"].user
    can_submit = user.has_perm("review.submit_report", report)
    under_review = report.status in REVIEW_STATUSES
    last_return = selectors.last_return(report) if report.status == S.RETURNED else None
    return {
        "request": context["request"], "report": report, "csrf_token": context.get("csrf_token"),
        "can_submit": can_submit,
        "problems": selectors.submission_problems(report, check) if can_submit else [],
        "can_withdraw": user.has_perm("review.withdraw_report", report),
        "can_review": user.has_perm("review.approve_report", report),
        "under_review": under_review,
        "resubmission": report.status == S.RETURNED,
        "awaiting_publication": report.status in sources("publish"),
        "refusal": refusal(user, "approve", report) if under_review
        and (user.has_perm("agencies.review_reports") or is_designated_reader(user, report)) else None,
        "last_return": last_return,
        "comments": selectors.comments_of(last_return),
    }


TIMELINE_SHOWN = 50  # the latest events a report's page lists; the others behind 显示全部


@dataclass(frozen=True)
class PageTimeline:
    rows: list
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


@register.simple_tag(takes_context=True)
def report_timeline_rows(context, report) -> PageTimeline:
    """The rows a report's page lists: the latest TIMELINE_SHOWN, or every one with ?timeline=all (a
    report autosaved for weeks has thousands of saves; the export has them all too)."""
    request = context.get("request")
    everything = request is not None and request.GET.get("timeline") == "all"
    events = read_timeline(report)
    return PageTimeline(rows=timeline_rows(report, last=None if everything else TIMELINE_SHOWN), total=len(events))


@register.inclusion_tag("reports/review/includes/audit_form_links.html", takes_context=True)
def audit_form_links(context, report):
    """审核表 of each published version, for whoever may see the report's staff pages."""
    user = context["request"].user
    allowed = user.has_perm("review.view_audit_form", report)
    return {"report": report, "versions": audit_form_versions(report) if allowed else []}


@register.inclusion_tag("reports/review/includes/workspace_panel.html", takes_context=True)
def review_workspace_panel(context):
    user = context["request"].user
    is_reviewer = user.has_perm("agencies.review_reports")
    return {"waiting": selectors.inbox_count(user) if is_reviewer else 0, "unread": unread_count(user),
            "is_reviewer": is_reviewer}


@register.simple_tag
def status_poll_seconds() -> int:
    """How often the overview and review pages ask for the report's status."""
    return settings.REPORT_STATUS_POLL_SECONDS


@register.simple_tag
def target_options(targets, selected=""):
    """A comment row's <optgroup>s and <option>s: every section, text part and cell of the format (a
    few hundred on each of the rows), built without a template loop per option, once per format
    and choice (`selectors.target_choices` gives the same tuple for a format every time)."""
    if isinstance(targets, tuple):
        return _kept_options(targets, selected or "")
    return _options(targets, selected or "")


@functools.lru_cache(maxsize=64)
def _kept_options(targets: tuple, selected: str):
    return _options(targets, selected)


def _options(targets, selected: str):
    html = []
    for group, options in targets:
        html.append(f'<optgroup label="{escape(group)}">')
        html.extend(f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
                    for value, label in options)
        html.append("</optgroup>")
    return mark_safe("".join(html))  # noqa: S308 - every value and label escaped above
