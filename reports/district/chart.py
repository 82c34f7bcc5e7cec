"""The weekly progress chart as ready SVG geometry: the template draws it, without arithmetic and
without any script. Colours keep AA contrast on white and the lines differ by dash too."""

from dataclasses import dataclass

from .selectors import Progress

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
SERIES_STYLE = (("#0b5ed7", ""), ("#146c43", "6 3"), ("#8c1515", "2 3"))


@dataclass
class Series:
    label: str
    colour: str
    dash: str
    points: str  # "x,y x,y …" for <polyline>
    dots: list[tuple[float, float, int]]  # x, y, value
    last: int


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    description: str
    rows: list[tuple[str, tuple[int, ...]]]  # the data table: week end, counts per series


def progress_chart(progress: Progress) -> Chart:
    weeks = progress.weeks
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top_value = max(progress.total, 1)

    def x(index: int) -> float:
        return round(LEFT + (plot_w * index / (len(weeks) - 1) if len(weeks) > 1 else plot_w / 2), 1)

    def y(value: int) -> float:
        return round(TOP + plot_h - plot_h * value / top_value, 1)

    series = []
    for index, label in enumerate(progress.labels):
        colour, dash = SERIES_STYLE[index % len(SERIES_STYLE)]
        dots = [(x(i), y(w.counts[index]), w.counts[index]) for i, w in enumerate(weeks)]
        series.append(Series(label, colour, dash, " ".join(f"{px},{py}" for px, py, _ in dots), dots,
                             weeks[-1].counts[index] if weeks else 0))
    step = max(1, len(weeks) // 8)
    x_ticks = [Tick(x(i), f"{w.end.month}月{w.end.day}日") for i, w in enumerate(weeks) if i % step == 0]
    y_steps = sorted({0, top_value // 2, top_value})
    y_ticks = [Tick(y(v), str(v)) for v in y_steps]
    latest = "；".join(f"{s.label} {s.last} 个" for s in series)
    description = (f"共 {progress.total} 个单位，按周统计累计进度，共 {len(weeks)} 周。"
                   f"截至{weeks[-1].end.month}月{weeks[-1].end.day}日：{latest}。" if weeks else "尚无数据。")
    rows = [(f"{w.end.year}年{w.end.month}月{w.end.day}日", w.counts) for w in weeks]
    return Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM, series, x_ticks, y_ticks, description,
                 rows)
