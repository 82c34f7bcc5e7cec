"""The board's table rows as HTML, escaped as format_html does (config/html.py) and marked safe once.

Why not the template: 300 rows × 9 variable lookups were half of the board's rendering time;
one format per row is an order of magnitude faster and keeps the page within the benchmark's
budget (benchmarks/summary.py). The markup is the same a template would write.
"""

from django.utils.safestring import mark_safe

from config.html import format_escaped

from .selectors import BoardRow

ROW = ('<tr{}><th scope="row"><a href="{}">{}</a></th>'
       '<td><span class="badge status-{}">{}</span></td>{}<td>{}</td><td>{} 天</td><td>{}</td><td>{}</td></tr>')
SCORE = '<td class="text-end health-score" data-score="{}"><a href="{}#health" title="{}">{} 分</a></td>'
NO_SCORE = '<td class="text-end health-score">—</td>'
COMPUTING = '<td class="text-end health-score text-body-secondary">计算中</td>'


def _holder(row: BoardRow):
    if row.stuck:  # every holder of the level must stand aside: the administrator hands it on
        return mark_safe(format_escaped(  # noqa: S308 - escaped by format_escaped
            '{}：{}<div class="small text-danger stuck">{} <a href="{}">指定审核人</a></div>',
            row.holder_role, row.holders_text or "—", row.stuck, row.review_href))
    if not row.holder_role:  # published, or being published: nobody's turn
        return "—"
    if row.holders:
        return f"{row.holder_role}：{row.holders_text}"  # escaped by the row, as any text
    if row.holder_role != "区管理员":
        return mark_safe(format_escaped('{}：<span class="text-danger">未分配</span>', row.holder_role))  # noqa: S308
    return row.holder_role


def _deadline(row: BoardRow):
    if row.overdue:
        return mark_safe(format_escaped('<span class="text-danger fw-semibold">已逾期 {} 天</span>',  # noqa: S308
                                        row.days_overdue))
    if row.submitted:
        return "已提交"
    return f"{row.days_to_deadline} 天"


def _score(row: BoardRow, scores: dict, computing: bool):
    """The 年报体检 score (reports/health), linking to the report's 体检; what to fix as its title."""
    found = scores.get(row.report_id)
    if found is None:
        return mark_safe(COMPUTING if computing and row.report_id else NO_SCORE)  # noqa: S308 - a constant
    fix = "；".join(found.to_fix)
    return mark_safe(format_escaped(  # noqa: S308 - escaped by format_escaped
        SCORE, found.score, row.href, f"待改进：{fix}" if fix else "各项均已达标", found.score))


def board_rows_html(rows: list[BoardRow], scores: dict | None = None, *, computing: bool = False) -> str:
    """The rows; `scores` maps report ids to their 年报体检 score (reports.health.board.BoardScore),
    none yet while a worker is `computing` them."""
    scores = scores or {}
    return mark_safe("\n".join(  # noqa: S308 - every row is built by format_escaped, which escapes
        format_escaped(ROW, mark_safe(' class="table-danger overdue"') if row.overdue else "", row.href,
                       row.body_name, row.status, row.status_label, _score(row, scores, computing), _holder(row),
                       row.days_in_state, row.last_text, _deadline(row))
        for row in rows
    ))
