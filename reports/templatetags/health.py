"""`{% health_panel report %}`: the 年报体检 of a report with what to fix, for the filler's overview
and the reviewers' page (templates/reports/health/panel.html)."""

from django import template

from ..health.selectors import report_health
from .comparison import page_comparison

register = template.Library()


@register.inclusion_tag("reports/health/panel.html", takes_context=True)
def health_panel(context, report):
    return {"health": report_health(report, comparison=page_comparison(context, report)), "report": report}
