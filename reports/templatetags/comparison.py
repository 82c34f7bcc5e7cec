"""`{% comparison_panel report %}`: the year-over-year and 内容雷同 warnings of one report, for the
filler's overview and the reviewers' page (include "reports/summary/comparison.html")."""

from django import template

from ..summary.comparison import Comparison, report_comparison

register = template.Library()


def page_comparison(context, report) -> Comparison:
    """The report's comparison, computed once a request: the overview and the review page show it
    in the 年报体检 (its 内容雷同) and in the warnings."""
    request = context.get("request")
    kept = getattr(request, "_report_comparisons", None)
    if kept is None:
        kept = {}
        if request is not None:
            request._report_comparisons = kept
    if report.pk not in kept:
        kept[report.pk] = report_comparison(report)
    return kept[report.pk]


@register.inclusion_tag("reports/summary/comparison_panel.html", takes_context=True)
def comparison_panel(context, report, show_all=False):
    return {"comparison": page_comparison(context, report), "show_all": show_all}
