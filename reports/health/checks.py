"""The checks of the 年报体检 and their weights, declared once: Check(key, label, weight, function,
fix_hint). Each function takes the report's Facts and gives an Outcome (a share of the weight from 0
to 1 and what was found); the weights add up to 100.

The format's own rules are split between the checks so that one fault lowers one check: the
numbers quoted in the text (kind "text") count under 数字一致, the length of section 五 under 问题与
改进, every other rule (the sums, balances, carry-over, 信息处理费 in 六) under 校验规则.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from config.dates import cn_date

from ..formats.base import Format
from ..formats.fmt2021 import PROBLEMS_MIN_CHARS
from ..formats.rules import Severity, word_count

if TYPE_CHECKING:
    from ..models import AnnualReport

PROBLEMS_RULE = "writing.s5.p0"  # the 2021 format's own rule on section 五 (fmt2021.writing_rules)
MIN_OVERVIEW_CHARS = 15  # a part of 一、总体情况 shorter than this says nothing
URL = re.compile(r"(?:https?://|www\.)[0-9A-Za-z]|[0-9A-Za-z-]+\.gov\.cn", re.IGNORECASE)
CONTACT = re.compile(
    r"0\d{2,3}[-－—\s]?\d{7,8}|1[3-9]\d{9}|(?<!\d)12345(?!\d)|[\w.+-]+@[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)+"
)
PROBLEM_WORDS = ("问题", "不足", "短板", "差距", "薄弱")
MEASURE_WORDS = ("措施", "改进", "整改", "下一步", "加强", "将")


@dataclass(frozen=True)
class Facts:
    """What the checks read: the report, its content and rule results, the 内容雷同 comparison."""

    report: AnnualReport
    fmt: Format
    values: dict
    texts: dict
    results: list  # RuleResult of every rule of the format
    progress: dict  # section key -> SectionProgress
    invalid_cells: dict
    similar: list  # comparison.SimilarText
    submitted_on: date | None  # the day it was first submitted (None: not yet)
    today: date
    graphic: bool | None  # True: the published 图解 exists; False: it should and does not; None: not yet


@dataclass(frozen=True)
class Outcome:
    share: float  # 0..1 of the check's weight
    found: str  # what the check found, in one sentence
    declarative: bool = False  # nothing to check yet (图解 before publication): counted as met

    @property
    def passed(self) -> bool:
        return self.share >= 1


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    weight: int
    function: Callable[[Facts], Outcome] = field(repr=False)
    fix_hint: str
    # True: the outcome reads only the report's content and last year's (values, texts, rule results),
    # so the board keeps it under their digest (health/selectors.py). False: it reads the other
    # reports (内容雷同), the submission, the publication or the day, and is computed on every load.
    of_content: bool = True


def _titles(fmt, keys) -> str:
    return "、".join(fmt.section(key).title.split("、", 1)[-1] for key in keys)


def parts_present(facts: Facts) -> Outcome:
    """Every section complete (cells and required parts), no unreadable cell, and no part of
    一、总体情况 trivially short."""
    fmt, bad = facts.fmt, []
    for section in fmt.sections:
        short = [p for p in section.parts if section.key == "s1" and p.required
                 and 0 < word_count(facts.texts.get(p.key) or "") < MIN_OVERVIEW_CHARS]
        unreadable = any(cell.startswith(section.key + ".") for cell in facts.invalid_cells)
        if not facts.progress[section.key].complete or short or unreadable:
            bad.append(section.key)
    if not bad:
        return Outcome(1, "六个部分均已填写完整。")
    return Outcome(1 - len(bad) / len(fmt.sections), f"以下部分未填写完整或过于简短：{_titles(fmt, bad)}。")


def _failed(facts: Facts, keep) -> list:
    rules = {rule.id: rule for rule in facts.fmt.rules}
    return [r for r in facts.results if not r.ok and not r.skipped and keep(rules[r.rule_id])]


def rules_pass(facts: Facts) -> Outcome:
    """Hard rules: none may fail; each soft warning takes a quarter."""
    if not any(value is not None for cell, value in facts.values.items() if not facts.fmt.cell(cell).computed):
        return Outcome(0, "统计表尚未填写，无法核对勾稽关系。")
    failed = _failed(facts, lambda rule: rule.kind != "text" and rule.id != PROBLEMS_RULE)
    hard = [r for r in failed if r.severity is Severity.HARD]
    if hard:
        return Outcome(0, f"{len(hard)} 项勾稽关系错误，例如：{hard[0].message}。")
    if failed:
        return Outcome(max(0.0, 1 - 0.25 * len(failed)), f"{len(failed)} 项预警，例如：{failed[0].message}。")
    return Outcome(1, "全部勾稽关系和校验规则通过。")


def figures_match(facts: Facts) -> Outcome:
    """The numbers quoted in 一、总体情况 equal the tables; at least one is quoted."""
    text_rules = [r for r in facts.results if r.kind == "text"]
    wrong = [r for r in text_rules if not r.ok]
    if wrong:
        return Outcome(0, f"{len(wrong)} 处数字与表格不一致，例如：{wrong[0].message}。")
    if not any((facts.texts.get(part.key) or "").strip() for part in facts.fmt.section("s1").parts):
        return Outcome(0, "总体情况尚未填写。")
    if all(r.skipped for r in text_rules):
        return Outcome(0.5, "总体情况中没有写明收到申请等件数，无法与表格核对。")
    return Outcome(1, "总体情况中写明的件数与表格一致。")


def not_similar(facts: Facts) -> Outcome:
    """内容雷同 against the body's report of last year and the other bodies' reports of the year."""
    if not facts.similar:
        return Outcome(1, "没有发现与上年报告或其他单位报告高度雷同的文字。")
    first = facts.similar[0]
    return Outcome(max(0.0, 1 - len(facts.similar) / 3),
                   f"{len(facts.similar)} 处文字高度雷同，例如：{first.title}与{first.other}的相应内容 {first.percent}% 相同。")


def on_time(facts: Facts) -> Outcome:
    deadline = facts.report.reporting_year.deadline
    if facts.report.imported:
        return Outcome(1, "导入的历史报告，不检查报送时间。", declarative=True)
    if facts.submitted_on is not None:
        if facts.submitted_on <= deadline:
            return Outcome(1, f"已于{cn_date(facts.submitted_on)}提交，未超过截止日期{cn_date(deadline)}。")
        return Outcome(0, f"{cn_date(facts.submitted_on)}才提交，已超过截止日期{cn_date(deadline)}。")
    if facts.today <= deadline:
        return Outcome(1, f"尚未提交；截止日期{cn_date(deadline)}，还有 {(deadline - facts.today).days} 天。")
    return Outcome(0, f"截止日期{cn_date(deadline)}已过，尚未提交。")


def contact_given(facts: Facts) -> Outcome:
    text = "\n".join(t for t in facts.texts.values() if t)
    url, contact = bool(URL.search(text)), bool(CONTACT.search(text))
    if url and contact:
        return Outcome(1, "写明了政府信息公开网站的网址和联系电话（或邮箱）。")
    missing = "、".join(name for name, ok in (("网址", url), ("联系电话或邮箱", contact)) if not ok)
    return Outcome(0.5 if url or contact else 0, f"报告中没有{missing}。")


def graphic_present(facts: Facts) -> Outcome:
    if facts.graphic is None:
        return Outcome(1, "图解在报告发布后自动生成。", declarative=True)
    if facts.graphic:
        return Outcome(1, "已发布的报告配有图解。")
    return Outcome(0, "报告已发布，但还没有图解。")


def problems_concrete(facts: Facts) -> Outcome:
    text = facts.texts.get("s5.p0") or ""
    if not text.strip():
        return Outcome(0, "存在的主要问题及改进情况尚未填写。")
    failed = _failed(facts, lambda rule: rule.id == PROBLEMS_RULE)
    if failed or word_count(text) < PROBLEMS_MIN_CHARS:  # (the 2019 format has no such rule)
        return Outcome(0, failed[0].message + "。" if failed else f"只写了 {word_count(text)} 个字。")
    problems = any(word in text for word in PROBLEM_WORDS)
    measures = any(word in text for word in MEASURE_WORDS)
    if problems and measures:
        return Outcome(1, "写明了存在的问题和改进措施。")
    missing = "存在的具体问题" if not problems else "针对问题的改进措施"
    return Outcome(0.5, f"没有写明{missing}。")


CHECKS: tuple[Check, ...] = (
    Check("parts", "各部分齐全", 15, parts_present,
          "在「六个部分」中补全未完成的部分；总体情况的每个方面至少写明一两句本单位的具体做法和数字。"),
    Check("rules", "勾稽关系与校验规则", 20, rules_pass,
          "按各部分的校验提示核对表格数据；确属实际情况的预警，在「预警说明」中写明原因。"),
    Check("figures", "总体情况数字与表格一致", 15, figures_match,
          "在“一、总体情况”中写明收到申请、行政复议、行政诉讼等件数（如“共收到政府信息公开申请N件”），并与第三、四部分的表格一致。"),
    Check("similar", "内容不雷同", 15, not_similar,
          "结合本单位本年度的实际工作重写雷同的段落，不照搬上年报告或其他单位的文字。", of_content=False),
    Check("on_time", "按时报送", 10, on_time,
          "在报送截止日期前提交审核；来不及时请及早与区政务公开办联系。", of_content=False),
    Check("contact", "网址和联系方式", 10, contact_given,
          "在“六、其他需要报告的事项”中写明政府信息公开网站（专栏）的网址和咨询电话。"),
    Check("graphic", "图解", 5, graphic_present,
          "图解在报告发布后由系统自动生成；已发布而没有图解的，请区管理员重新发布。", of_content=False),
    Check("problems", "问题与改进具体", 10, problems_concrete,
          "在“五、存在的主要问题及改进情况”中写明本年度发现的具体问题、相应的改进措施，以及上年度所列问题的改进情况，不要只写“无”或套话。"),
)
if sum(check.weight for check in CHECKS) != 100:
    raise ValueError("the weights of the 年报体检 must add up to 100")
