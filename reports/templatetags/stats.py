"""`{% stats_table table %}`: one official statistics table (a TableView), read-only, as HTML built with
format_html (escaped like a template).

Why not the template (reports/includes/stats_table.html, which the filler's entry page still uses):
a report has ~1,000 cells, each a few variable lookups and tags; the review page, the portal's report
page and the summaries spent most of their rendering time there. One format_html per cell is several
times faster and writes the same markup. A cell's href (the district summary's drill-down) links it.
The cells and labels are formatted as format_html does, without Django's lazy-string wrapper around
each escape: a report's tables took 2.1 ms that way.
"""

from django import template
from django.template.defaultfilters import slugify
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from config.html import format_escaped

register = template.Library()

HEADER = '<th scope="{}" colspan="{}" rowspan="{}" class="{}">{}</th>'
STUB = '<td colspan="{}" rowspan="{}" class="stub"></td>'
LABEL = '<th scope="{}" rowspan="{}" colspan="{}" class="row-label label-col-{}{}">{}</th>'
CELL = '<td class="num{}" data-cell="{}">{}</td>'
LINK = '<a href="{}" aria-label="{}：{}，查看各单位数值">{}</a>'


def _header_row(row) -> SafeString:
    return mark_safe("".join(  # noqa: S308 - every value escaped by format_escaped
        format_escaped(HEADER, "col" if h.column else "colgroup", h.colspan, h.rowspan, "stub" if h.stub else "", h.label)
        if h.label else format_escaped(STUB, h.colspan, h.rowspan)
        for h in row))


@register.simple_tag
def stats_header_rows(table) -> SafeString:
    """The header rows (<tr>s of the thead); the entry page's template uses them too."""
    return mark_safe("".join(f"<tr>{_header_row(row)}</tr>" for row in table.header_rows))  # noqa: S308 - built by format_html


@register.simple_tag
def stats_row_labels(row) -> SafeString:
    """A row's label cells (<th>s); the entry page's template uses them too."""
    return mark_safe("".join(  # noqa: S308 - every value escaped by format_escaped
        format_escaped(LABEL, "rowgroup" if label.group else "row", label.rowspan, label.colspan, label.column,
                " group-label" if label.group else "", label.label) for label in row.labels))


def _row(row) -> str:
    cells = "".join(
        format_escaped(CELL, " computed" if c.computed else "", c.id,
                mark_safe(format_escaped(LINK, c.href, c.label, c.text, c.text)) if c.href else c.text)  # noqa: S308 - escaped by format_escaped
        for c in row.cells)
    return f"<tr>{stats_row_labels(row)}{cells}</tr>"


@register.simple_tag
def stats_table(table) -> SafeString:
    caption = format_html('<caption class="stats-caption">{}</caption>', table.caption) if table.caption else ""
    note = format_html('<p class="stats-note small">{}</p>', table.note) if table.note else ""
    return format_html(
        '<div class="table-responsive stats-wrap">\n<table class="table table-bordered stats-table" id="table-{}" '
        'data-table="{}">{}<thead>{}</thead><tbody>{}</tbody></table>\n</div>\n{}',
        slugify(table.key), table.key, caption,
        stats_header_rows(table),
        mark_safe("".join(_row(row) for row in table.rows)),  # noqa: S308 - built by format_html above
        note)


@register.simple_tag
def chart_rows(chart) -> SafeString:
    """The rows of a 图解 chart's data table (the summary's: one per body, a few hundred figures)."""
    return format_html_join("", '<tr><th scope="row">{}</th>{}<td class="text-end">{}</td></tr>', (
        (bar.label, format_html_join("", '<td class="text-end">{}</td>', ((s.text,) for s in bar.segments)), bar.text)
        for bar in chart.bars))
