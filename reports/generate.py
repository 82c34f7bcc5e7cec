"""Plausible report content generated from a format definition: for the demo, tests and benchmarks.

Inputs are random; then every balance rule (一+二 = 三(七)+四) is made to hold by adjusting one
input cell, so the result passes the hard rules of any format version.
"""

import random
from decimal import Decimal

from .formats import rules as format_rules
from .formats.base import CellType
from .formats.cells import to_json_value


def _random_value(cell_type, rng: random.Random, scale: int):
    if cell_type is CellType.MONEY:
        return Decimal(rng.randint(0, 50000)) / Decimal(10000)
    if cell_type is CellType.SIGNED:
        return rng.randint(-scale, scale)
    return rng.choice([0, 0, 0, rng.randint(0, scale)])


def _keep_soft_rules(fmt, values: dict, previous: dict | None, prev_version: str | None) -> set[str]:
    """Make the warnings hold too (二、上年结转 = last year's 四; 现行有效件数 continues; 新公开 ≤
    总数), limits (≤) before identities (=), by setting each rule's one input cell. Cross-year
    rules only with last year's values. Returns the cells set."""
    fixed = set()
    for op in ("<=", "="):
        for rule in fmt.rules:
            if getattr(rule, "op", None) != op or rule.severity is not format_rules.Severity.SOFT:
                continue
            cross_year = any(t.offset == -1 for t in rule.rhs)
            if cross_year and (not previous or (rule.prev_versions and prev_version not in rule.prev_versions)):
                continue
            if len(rule.lhs) != 1 or fmt.cell(rule.lhs[0].cell).computed:
                continue
            source = lambda t: (previous or {}) if t.offset == -1 else values  # noqa: E731
            bound = sum(t.coef * (source(t).get(t.cell) or 0) for t in rule.rhs)
            target = rule.lhs[0].cell
            if op == "=" or (values.get(target) or 0) > bound:
                values[target] = max(bound, 0)
                fixed.add(target)
    return fixed


def plausible_values(fmt, rng: random.Random, *, carried: dict | None = None, previous: dict | None = None,
                     previous_version: str | None = None, scale: int = 6) -> dict:
    """Python values for every cell (computed ones included), satisfying all hard rules and, given
    last year's values, the cross-year ones too."""
    values = {cell.id: _random_value(cell.type, rng, scale) for cell in fmt.cells().values() if not cell.computed}
    for cell_id, value in (carried or {}).items():
        if cell_id in values:
            values[cell_id] = value
    keep = set(carried or {}) | _keep_soft_rules(fmt, values, previous, previous_version or fmt.version)
    for rule in fmt.rules:
        if rule.kind != "balance":
            continue
        computed = format_rules.compute(fmt, values)
        side = lambda terms: sum(t.coef * (computed.get(t.cell) or 0) for t in terms)  # noqa: E731, B023
        diff = side(rule.rhs) - side(rule.lhs)
        inputs_l = [t.cell for t in rule.lhs if t.offset == 0 and not fmt.cell(t.cell).computed
                    and t.cell not in keep]
        inputs_r = [t.cell for t in rule.rhs if t.offset == 0 and not fmt.cell(t.cell).computed]
        if diff >= 0 and inputs_l:
            values[inputs_l[0]] += diff
        elif diff < 0 and inputs_r:
            values[inputs_r[-1]] += -diff
    return format_rules.compute(fmt, values)


def as_json(fmt, values: dict) -> dict:
    return {k: to_json_value(fmt.cell(k).type, v) for k, v in values.items() if v is not None}


def plausible_texts(fmt, values: dict, *, body_name: str, year: int) -> dict:
    received = values.get("s3.R1.G", 0)
    texts = {}
    for part in fmt.text_parts():
        if part.key.endswith(".note") or part.key == "s1.extra":
            continue
        if part.key in ("s1.p0", "s1.p2"):
            texts[part.key] = (
                f"{year}年，{body_name}共收到政府信息公开申请{received}件，均在法定期限内答复。"
                "申请方式以网上申请和信函申请为主，办理过程严格执行登记、审核、答复、归档制度。"
            )
        elif part.key == "s1.p1":
            texts[part.key] = (f"{year}年，{body_name}坚持“以公开为常态、不公开为例外”，围绕重点工作主动公开政府信息，"
                               "及时发布政策文件、工作动态和办事指南。")
        elif part.key == "s1.p3":
            texts[part.key] = "严格落实政府信息公开保密审查制度，按照“谁主管、谁负责”原则，实行部门负责人、主管主任双层审核。"
        elif part.key == "s1.p4":
            texts[part.key] = "依托区政府门户网站政府信息公开专栏和政务新媒体发布信息，及时更新栏目内容。"
        elif part.key == "s1.p5":
            texts[part.key] = "将政府信息公开工作纳入年度绩效考核，本年度未发生因政府信息公开工作引发的责任追究情况。"
        elif part.key.startswith("s5."):
            texts[part.key] = ("存在的主要问题：信息公开的及时性有待提高，政策解读形式较为单一。"
                               "改进措施：加强业务培训，丰富图表、音视频等解读形式，及时更新公开内容。")
        elif part.key.startswith("s6."):
            texts[part.key] = ("本年度未收取信息处理费。本机关政府信息公开专栏网址为 https://www.example.gov.cn/xxgk/ ，"
                               "咨询电话 010-65120000。无其他需要报告的事项。")
    return texts
