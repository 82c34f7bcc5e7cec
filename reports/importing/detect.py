"""Which format a published report is in, and the year and body its title names.

The format is told by the table labels that only one format prints: the labels of the two
definitions are compared (never typed here), and each format scores the labels of its own that
occur in the text, matched like the parser matches them (whole cells, possibly broken over
lines). A local variant is recognised by the rows it adds to its base (北京市: 行政检查 and 行政确认
under 其他对外管理服务事项). When the labels do not decide, the year in the title does.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cache

from ..formats import VARIANT_NAMES, Format, format_version_for_year, get_format
from ..formats.variants import VARIANTS
from .tokens import Cursor, Token, label_key, tokenize

__all__ = ["Detection", "detect", "distinctive_labels", "publication_date", "report_title"]

VERSIONS = ("2019", "2021")
LATEST = VERSIONS[-1]
_REPORT = "政府信息公开工作年度报告"  # what every report's title ends with (条例 第五十条)
_BODY_FIRST = re.compile(rf"^(?P<body>.{{2,40}}?)(?P<year>(?:19|20)[0-9]{{2}})年度?{_REPORT}")
_YEAR_FIRST = re.compile(rf"^(?P<year>(?:19|20)[0-9]{{2}})年度?(?P<body>.{{2,40}}?){_REPORT}")
_TITLE_LINES = 3  # a title may be broken over this many lines
_TITLE_SEARCH = 80  # printed lines at the top of the text where the title may stand (after a site's header)
# A body's name is a name: a sentence (根据《条例》要求，现公布…), a breadcrumb (首页 > …) or a
# site's navigation is not.
_NOT_A_NAME = re.compile(r"[，,。；;：:《》“”\"！!？?>»/|｜、\s]|根据|现公布|现将|发布|首页|当前位置|您的位置")
_DATE = r"((?:19|20)[0-9]{2})\s*(?:年|-|/|\.)\s*([0-9]{1,2})\s*(?:月|-|/|\.)\s*([0-9]{1,2})\s*日?"
_DATED = re.compile(r"(?:发布日期|发布时间|成文日期|印发日期|公开日期|发文日期|日期)\s*[:：]?\s*" + _DATE)
_DATE_LINE = re.compile(r"^\s*" + _DATE + r"\s*$")


@dataclass
class Detection:
    version: str
    variant: str | None
    year: int | None
    body: str | None
    given: bool = False  # the version was given (--format), not detected
    scores: dict = field(default_factory=dict)  # version -> distinctive labels found
    notes: list = field(default_factory=list)  # in Chinese, for the reader
    published_on: datetime.date | None = None  # the original publication date, where printed

    @property
    def format(self) -> Format:
        return get_format(self.version, self.variant)


def table_labels(fmt: Format) -> set[str]:
    """Every label printed in the format's tables (captions, notes, header cells, row labels)."""
    keys = set()
    for table in fmt.tables():
        keys.update(label_key(x) for x in (table.caption, table.note, table.stub_label) if x)
        keys.update(label_key(h.label) for row in table.header_rows() for h in row if h.label)
        keys.update(label_key(lc.label) for row in table.body_rows() for lc in row.labels if lc.label)
    keys.discard("")
    return keys


def row_labels(fmt: Format) -> set[str]:
    return {label_key(row.label) for table in fmt.tables() for row in table.leaf_rows() if row.label}


@cache
def distinctive_labels(version: str) -> tuple[str, ...]:
    """Labels of `version`'s tables that no other version prints, not even inside a longer label
    (2019's 规范性文件 proves nothing: 2021 prints 行政规范性文件)."""
    own = table_labels(get_format(version))
    others = set().union(*(table_labels(get_format(v)) for v in VERSIONS if v != version))
    return tuple(sorted(key for key in own - others if not any(key in other for other in others)))


@cache
def variant_labels(version: str, variant: str) -> tuple[str, ...]:
    """The rows a variant adds to its base format."""
    return tuple(sorted(row_labels(get_format(version, variant)) - row_labels(get_format(version))))


def _found(tokens: list[Token], keys) -> list[str]:
    cursor = Cursor(tokens, 0, len(tokens), set())
    return [key for key in keys if cursor.find(key) is not None]


def _printed_lines(tokens: list[Token]) -> list[str]:
    lines: list[str] = []
    last = None
    for token in tokens:
        if token.blank:
            continue
        if token.line == last and not token.explicit:
            lines[-1] += token.text
        else:
            lines.append(token.text)
        last = token.line
    return [re.sub(r"\s+", "", line) for line in lines]


def report_title(tokens: list[Token]) -> tuple[int | None, str | None]:
    """(year, body) from a title such as 东花市街道2020年政府信息公开工作年度报告, possibly broken over
    lines, among the first printed lines; a site's header, navigation and breadcrumbs before it are
    passed over, and a sentence that names the report is never taken for a body's name."""
    lines = _printed_lines(tokens)[:_TITLE_SEARCH]
    year_only = None
    for size in range(1, _TITLE_LINES + 1):  # the fewest lines: not a breadcrumb line above it
        for start in range(len(lines) - size + 1):
            joined = "".join(lines[start:start + size])
            for pattern in (_BODY_FIRST, _YEAR_FIRST):
                match = pattern.match(joined)
                if not match:
                    continue
                rest = joined[match.end():].strip("。.:：")
                if not _NOT_A_NAME.search(match["body"]) and len(rest) <= 12:
                    return int(match["year"]), match["body"]
                year_only = year_only or int(match["year"])
    if year_only is None:
        for line in lines:
            found = re.search(rf"((?:19|20)[0-9]{{2}})年度?{_REPORT}", line)
            if found:
                return int(found[1]), None
    return year_only, None


def publication_date(text: str, year: int | None) -> datetime.date | None:
    """The date a report was published, where the text prints it: a 发布日期/成文日期 line, or a
    date alone on a line under the report (after its last section) or under its title. A date
    before the year reported on has ended is not a publication date."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    candidates = [m for m in (_DATED.search(line) for line in lines[:80] + lines[-80:]) if m]
    candidates += [m for m in (_DATE_LINE.match(line) for line in lines[-12:][::-1] + lines[:15]) if m]
    for match in candidates:
        try:
            date = datetime.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
        if year is None or date.year > year:
            return date
    return None


def detect(text: str, *, version: str | None = None) -> Detection:
    """The format (version and variant), year and body of a published report's text."""
    tokens = tokenize(text)
    year, body = report_title(tokens)
    scores = {v: _found(tokens, distinctive_labels(v)) for v in VERSIONS}
    notes: list[str] = []
    if year is None:
        notes.append(f"未在开头找到报告标题（“单位名称××××年{_REPORT}”），无法确定年度和单位。")
    by_year = _version_for_year(year)
    given = version is not None
    if not given:
        best = max(len(found) for found in scores.values())
        leaders = [v for v in VERSIONS if len(scores[v]) == best]
        if len(leaders) == 1 and best:
            version = leaders[0]
        elif by_year:
            version = by_year
            notes.append(f"表格标签不足以判断格式，按标题中的{year}年度采用{version}年格式。")
        else:
            version = LATEST
            notes.append(f"表格标签和标题都不足以判断格式，按{LATEST}年格式读取。")
    if by_year and by_year != version:
        notes.append(f"标题中的{year}年度应使用{by_year}年格式，本报告按{version}年格式读取，请核对。")
    variant = next(
        (name for (v, name) in VARIANTS if v == version and _found(tokens, variant_labels(v, name))), None
    )
    if variant:
        notes.append(f"报告含{VARIANT_NAMES.get(variant, variant)}地方格式的行，按该地方格式读取。")
    return Detection(version, variant, year, body, given, {v: len(f) for v, f in scores.items()}, notes,
                     publication_date(text, year))


def _version_for_year(year: int | None) -> str | None:
    try:
        return format_version_for_year(year) if year is not None else None
    except ValueError:
        return None
