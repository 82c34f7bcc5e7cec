"""`{% comparison_panel report %}`: the year-over-year and 内容雷同 warnings of one report, for the
filler's overview and the reviewers' page (include "reports/summary/comparison.html")."""

from html import escape  # Django's escape is this one behind a lazy-string wrapper: 6× its time a row

from django import template
from django.utils.safestring import mark_safe

from ..summary.comparison import Comparison, request_comparison

register = template.Library()


def page_comparison(context, report) -> Comparison:
    """The report's comparison, computed once a request (the view may have done it already)."""
    return request_comparison(context.get("request"), report)


@register.inclusion_tag("reports/summary/comparison_panel.html", takes_context=True)
def comparison_panel(context, report, show_all=False):
    return {"comparison": page_comparison(context, report), "show_all": show_all}


@register.simple_tag
def comparison_rows(cells) -> str:
    """The rows of 逐项对比全部: every cell of the report beside last year's (a few hundred), built
    without a template loop per cell."""
    return mark_safe("".join(  # noqa: S308 - every label and figure escaped
        f'<tr class="{"table-warning" if c.flagged else ""}"><th scope="row" class="fw-normal">{escape(c.label)}</th>'
        f'<td class="text-end">{escape(c.last_year)}</td><td class="text-end">{escape(c.this_year)}</td>'
        f'<td class="text-end">{escape(c.change)}</td></tr>' for c in cells))
