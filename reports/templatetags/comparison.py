"""`{% comparison_panel report %}`: the year-over-year and 内容雷同 warnings of one report, for the
filler's overview and the reviewers' page (include "reports/summary/comparison.html")."""

from django import template

from ..summary.comparison import report_comparison

register = template.Library()


@register.inclusion_tag("reports/summary/comparison_panel.html")
def comparison_panel(report, show_all=False):
    return {"comparison": report_comparison(report), "show_all": show_all}
