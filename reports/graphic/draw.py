"""The 图解 drawn as SVG: a one-page explainer of a report (`explainer_svg`) and the district's
comparison of its bodies (`comparison_svg`). Horizontal bars, so that long CJK labels have room;
every number is written beside its bar (the graphic is readable without colour)."""

from __future__ import annotations

from .explainer import Chart, Explainer
from .svg import Drawing, text_width, wrap

WIDTH = 800
MARGIN = 32
LABEL_WIDTH = 250
BAR_X = MARGIN + LABEL_WIDTH + 12
BAR_WIDTH = WIDTH - BAR_X - MARGIN - 60
ROW = 26
TEXT = "#212529"
MUTED = "#495057"
BAR = "#0b5ed7"
TOTAL_BAR = "#052c65"
# Segment colours of a split bar (section 四's outcomes), told apart also by the legend's order.
SEGMENTS = ("#0b5ed7", "#198754", "#b35c00", "#6c757d", "#6f42c1", "#a61e4d")


def _heading(drawing: Drawing, y: float, text: str) -> float:
    drawing.rect(MARGIN, y, 4, 20, fill=BAR)
    drawing.text(MARGIN + 12, y + 16, text, size=17, weight="bold")
    return y + 34


def _bar_rows(drawing: Drawing, y: float, chart: Chart) -> float:
    maximum = chart.maximum or 1
    group, top = "", y
    for bar in chart.bars:
        if bar.group and bar.group != group:
            drawing.text(MARGIN, y + 17, bar.group, size=14, fill=MUTED, weight="bold")
            y += ROW
        group = bar.group
        indent = 16 if bar.group else 0
        lines = wrap(bar.label, LABEL_WIDTH - indent, 14, max_lines=2)
        height = max(ROW, 8 + len(lines) * 19)
        drawing.lines(MARGIN + indent, y + 17, lines, size=14, fill=TEXT, weight="bold" if bar.total else "normal")
        x: float = BAR_X
        for index, segment in enumerate(bar.segments):
            width = BAR_WIDTH * float(segment.value) / float(maximum)
            colour = (TOTAL_BAR if bar.total else BAR) if len(bar.segments) == 1 else SEGMENTS[index % len(SEGMENTS)]
            drawing.rect(x, y + 4, width, 18, fill=colour)
            x += width
        drawing.text(x + 6, y + 18, bar.text, size=14, weight="bold" if bar.total else "normal")
        y += height
    drawing.line(BAR_X, top, BAR_X, y)  # the axis: every bar starts from zero
    return y


def _legend(drawing: Drawing, y: float, chart: Chart) -> float:
    """The segments' colours and labels, in the bars' order, on as many lines as they need."""
    x: float = BAR_X
    for index, label in enumerate(chart.legend):
        width = 16 + text_width(label, 13) + 16
        if x > BAR_X and x + width > WIDTH - MARGIN:
            x, y = BAR_X, y + 20
        drawing.rect(x, y + 3, 12, 12, fill=SEGMENTS[index % len(SEGMENTS)])
        drawing.text(x + 16, y + 14, label, size=13, fill=MUTED)
        x += width
    return y + 24


def _figures(drawing: Drawing, y: float, explainer: Explainer) -> float:
    columns: tuple[tuple[str, int], ...] = (
        ("本年", WIDTH - MARGIN - 230), ("上年", WIDTH - MARGIN - 130), ("增减", WIDTH - MARGIN - 20))
    if not explainer.previous_year:
        columns = columns[:1]
    for name, x in columns:
        drawing.text(x, y + 14, name, size=13, fill=MUTED, anchor="end", weight="bold")
    y += 20
    drawing.line(MARGIN, y, WIDTH - MARGIN, y)
    label_width = columns[0][1] - MARGIN - 70
    for figure in explainer.figures:
        lines = wrap(figure.label, label_width, 14, max_lines=2)
        height = max(24, 6 + len(lines) * 19)
        drawing.lines(MARGIN, y + 17, lines, size=14)
        texts = (figure.text, figure.previous_text, figure.change_text)
        for (_, x), text in zip(columns, texts, strict=False):
            drawing.text(x, y + 17, text, size=14, anchor="end", weight="bold" if text is texts[0] else "normal")
        y += height
        drawing.line(MARGIN, y, WIDTH - MARGIN, y, stroke="#dee2e6")
    return y + 8


def explainer_svg(explainer: Explainer, *, id_prefix: str = "graphic") -> str:
    drawing = Drawing(WIDTH, title=explainer.title, description=explainer.description, id_prefix=id_prefix)
    y = drawing.lines(MARGIN, 44, wrap(explainer.title, WIDTH - 2 * MARGIN, 22, max_lines=2), size=22,
                      weight="bold")
    if explainer.subtitle:
        y = drawing.lines(MARGIN, y + 28, wrap(explainer.subtitle, WIDTH - 2 * MARGIN, 14), size=14, fill=MUTED)
    y += 22
    compared = f"（与{explainer.previous_year}年度报告比较）" if explainer.previous_year else ""
    y = _heading(drawing, y, "关键数据" + compared)
    y = _figures(drawing, y, explainer)
    for chart in explainer.charts:
        y = _heading(drawing, y + 12, chart.title)
        if chart.legend:
            y = _legend(drawing, y, chart)
        y = _bar_rows(drawing, y, chart)
    for note in explainer.notes:
        y = drawing.lines(MARGIN, y + 20, wrap(note, WIDTH - 2 * MARGIN, 12, max_lines=4), size=12, fill=MUTED)
    return drawing.to_string()


def comparison_svg(charts: list[Chart], *, title: str, id_prefix: str = "comparison") -> str:
    """The district's bodies side by side, one chart per cell (see explainer.bodies_chart)."""
    description = "；".join(
        f"{chart.title}：" + "，".join(f"{bar.label}{bar.text}" for bar in chart.bars) for chart in charts) + "。"
    drawing = Drawing(WIDTH, title=title, description=description, id_prefix=id_prefix)
    y = drawing.lines(MARGIN, 40, wrap(title, WIDTH - 2 * MARGIN, 20, max_lines=2), size=20, weight="bold") + 16
    for chart in charts:
        y = _heading(drawing, y + 8, chart.title)
        if chart.legend:
            y = _legend(drawing, y, chart)
        y = _bar_rows(drawing, y, chart)
    return drawing.to_string()
