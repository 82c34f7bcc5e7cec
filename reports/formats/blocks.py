"""Shared building blocks of the format definitions, and the wording of their rules.

Both versions are assembled from these pieces: every label either version shares is written
here once (section titles, the section 三 table except （六）其他处理's split, the section 四
table, the 第二十条 captions and common row labels), and fmt2019/fmt2021 add only what differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .base import CellType, Column, ColumnGroup, Format, Row, RowGroup, Section, Table, TextPart
from .rules import Rule, Severity, Term, TextRule, WritingRule, compute_order, join_terms

NUMERALS = "〇一二三四五六七八九"
TOTAL = "总计"
FORMAT_TITLE = "中华人民共和国政府信息公开工作年度报告格式"
TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    6: "六、其他需要报告的事项",
}
NOTHING_TO_REPORT = "没有需要报告的事项时写“无。”。"

# ---------------------------------------------------------------------------------------------
# Section 二: small tables captioned 第二十条第（N）项


REGULATIONS = "规章"
LICENSING = "行政许可"
ENFORCEMENT_ROWS = ("行政处罚", "行政强制")
FEES = "行政事业性收费"


def columns(*specs: str | tuple[str, CellType]) -> tuple[Column, ...]:
    """c1, c2, … in order; a spec is a label or (label, type)."""
    specs_ = [spec if isinstance(spec, tuple) else (spec, CellType.COUNT) for spec in specs]
    return tuple(Column(f"c{i}", label, type_) for i, (label, type_) in enumerate(specs_, 1))


def rows(*labels: str) -> tuple[Row, ...]:
    return tuple(Row(f"r{i}", label) for i, label in enumerate(labels, 1))


def article20_table(item: int, columns_: tuple, rows_: tuple) -> Table:
    """The table of 第二十条 item `item`; its key is s2.t<item> (spec §7)."""
    return Table(
        key=f"s2.t{item}",
        caption=f"第二十条第（{NUMERALS[item]}）项",
        stub_label="信息内容",
        columns=columns_,
        rows=rows_,
    )


# ---------------------------------------------------------------------------------------------
# Section 三: the same columns and rows in both versions except （六）其他处理


OTHER_HANDLING = "（六）其他处理"

APPLICANT_COLUMNS = (
    ColumnGroup(
        "申请人情况",
        (
            Column("A", "自然人"),
            ColumnGroup(
                "法人或其他组织",
                (
                    Column("B", "商业企业"),
                    Column("C", "科研机构"),
                    Column("D", "社会公益组织"),
                    Column("E", "法律服务机构"),
                    Column("F", "其他"),
                ),
            ),
            Column("G", TOTAL, total=True),
        ),
    ),
)


def numbered(prefix: str, labels: Iterable[str]) -> tuple[Row, ...]:
    """Sub-rows R3_3_1, R3_3_2, … of a group such as （三）不予公开."""
    return tuple(Row(f"{prefix}_{i}", label) for i, label in enumerate(labels, 1))


def applications_table(other_handling: Row | RowGroup) -> Table:
    """Section 三. The corner cell of the official table carries the note (勾稽关系)."""
    return Table(
        key="s3",
        caption=None,
        stub_label="",
        columns=APPLICANT_COLUMNS,
        rows=(
            Row("R1", "一、本年新收政府信息公开申请数量"),
            Row("R2", "二、上年结转政府信息公开申请数量"),
            RowGroup(
                "三、本年度办理结果",
                (
                    Row("R3_1", "（一）予以公开"),
                    Row("R3_2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
                    RowGroup(
                        "（三）不予公开",
                        numbered(
                            "R3_3",
                            (
                                "1.属于国家秘密",
                                "2.其他法律行政法规禁止公开",
                                "3.危及“三安全一稳定”",
                                "4.保护第三方合法权益",
                                "5.属于三类内部事务信息",
                                "6.属于四类过程性信息",
                                "7.属于行政执法案卷",
                                "8.属于行政查询事项",
                            ),
                        ),
                    ),
                    RowGroup(
                        "（四）无法提供",
                        numbered(
                            "R3_4",
                            (
                                "1.本机关不掌握相关政府信息",
                                "2.没有现成信息需要另行制作",
                                "3.补正后申请内容仍不明确",
                            ),
                        ),
                    ),
                    RowGroup(
                        "（五）不予处理",
                        numbered(
                            "R3_5",
                            (
                                "1.信访举报投诉类申请",
                                "2.重复申请",
                                "3.要求提供公开出版物",
                                "4.无正当理由大量反复申请",
                                "5.要求行政机关确认或重新出具已获取信息",
                            ),
                        ),
                    ),
                    other_handling,
                    Row("R3_7", f"（七）{TOTAL}", total=True),
                ),
            ),
            Row("R4", "四、结转下年度继续办理"),
        ),
        note="（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    )


# ---------------------------------------------------------------------------------------------
# Section 四: three identical groups of five outcome columns


def outcome_group(label: str, first: int) -> ColumnGroup:
    """结果维持 · 结果纠正 · 其他结果 · 尚未审结 · 总计, as c<first> … c<first+4>."""
    labels = ("结果维持", "结果纠正", "其他结果", "尚未审结")
    children = tuple(Column(f"c{first + i}", label_) for i, label_ in enumerate(labels))
    return ColumnGroup(label, (*children, Column(f"c{first + len(labels)}", TOTAL, total=True)))


ADMIN_REVIEW, LITIGATION = "行政复议", "行政诉讼"

REVIEW_TABLE = Table(
    key="s4",
    caption=None,
    stub_label=None,  # one unlabelled data row: cell ids s4.c1 … s4.c15
    columns=(
        outcome_group(ADMIN_REVIEW, 1),
        ColumnGroup(LITIGATION, (outcome_group("未经复议直接起诉", 6), outcome_group("复议后起诉", 11))),
    ),
    rows=(Row("", ""),),
)


# ---------------------------------------------------------------------------------------------
# Sections


def table_section(number: int, tables: tuple[Table, ...]) -> Section:
    """A statistics section; its optional note part prints under the tables."""
    key = f"s{number}"
    note = TextPart(f"{key}.note", "说明", "可选：对本部分数据的补充说明，例如本年度未发生相关情况。")
    return Section(number, key, TITLES[number], tables, (note,))


def text_section(number: int, parts: tuple[TextPart, ...], title: str = "", guidance: str = "") -> Section:
    return Section(number, f"s{number}", title or TITLES[number], (), parts, guidance)


def closing_sections(title5: str, problems_also: str = "", other_also: str = "") -> tuple[Section, Section]:
    """五 (problems and improvements) and 六 (other matters); a version adds what it also asks for."""
    problems = TextPart(
        "s5.p0", "", f"报告本年度政府信息公开工作存在的主要问题和改进措施{problems_also}。", True
    )
    other = TextPart(
        "s6.p0",
        "",
        f"报告其他需要报告的事项，例如政府信息公开网站的网址{other_also}。{NOTHING_TO_REPORT}",
        True,
    )
    return text_section(5, (problems,), title5), text_section(6, (other,))


# ---------------------------------------------------------------------------------------------
# Rules shared by both versions, and the wording of every declared rule


_PREVIOUS = "上年"
_NUMBER = "([0-9０-９][0-9０-９,]*)"
_GAP = "[^，。；,;：:\\n]{0,30}?"
_AFTER = "(?:数量|件数)?(?:为|共计|共|合计)?[ 　]*" + _NUMBER + "[ 　]*件"
# JS-compatible patterns (group 1 = the number) for numbers quoted in section 一.
_APPLICATIONS = "申请"
QUOTED_NUMBERS = {
    "R1": "(?:收到|新收|受理)" + _GAP + _APPLICATIONS + _AFTER,
    # 「上年结转政府信息公开申请15件」 and 「上年结转15件」 alike: 申请 may be left out.
    "R2": "上年结转" + _GAP + f"(?:{_APPLICATIONS})?" + _AFTER,
    "R4": "结转下年度" + _GAP + f"(?:{_APPLICATIONS})?" + _AFTER,
}


def applications_rules(fmt: Format) -> Iterator[Rule | TextRule]:
    """R3-a 一+二 = 三（七）+ 四 per column; R3-e cross-year carry-over; R3-f text vs table."""
    table = fmt.table("s3")
    statement = "第一项加第二项之和应等于第三项加第四项之和"
    for column in table.leaf_columns():
        ids = {row.key: table.cell_id(row, column) for row in table.leaf_rows()}
        yield Rule(
            id=f"balance.s3.{column.key}",
            kind="balance",
            severity=Severity.HARD,
            lhs=(Term(1, ids["R1"]), Term(1, ids["R2"])),
            op="=",
            rhs=(Term(1, ids["R3_7"]), Term(1, ids["R4"])),
            message=f"{statement}（{table.column_label(column)}）：{{lhs_terms}} ≠ {{rhs_terms}}",
        )
    for column in table.leaf_columns():
        this, previous = (table.cell_id(table.row(key), column) for key in ("R2", "R4"))
        label, previous_label = fmt.cell(this).label, fmt.cell(previous).label
        yield Rule(
            id=f"cross_year.{this}",
            kind="cross_year",
            severity=Severity.SOFT,
            lhs=(Term(1, this),),
            op="=",
            rhs=(Term(1, previous, -1),),
            message=f"{label}应为{_PREVIOUS}报告的“{previous_label}”{{rhs}}，现为 {{lhs}}",
        )
    total = next(column for column in table.leaf_columns() if column.total)
    for row_key, pattern in QUOTED_NUMBERS.items():
        cell = table.cell_id(table.row(row_key), total)
        yield TextRule(
            id=f"text.{cell}",
            cell=cell,
            parts=tuple(part.key for part in fmt.section("s1").parts),
            patterns=(pattern,),
            message=f"{fmt.section('s1').title}中写明的 {{quoted}} 件与“{fmt.cell(cell).label}”{{value}} 不一致",
        )


def _describe(fmt: Format, terms: tuple[Term, ...], anchor: str) -> str:
    """上年现行有效件数 {r0} + 本年制发件数 {r1} - …: short labels with value placeholders."""
    home = fmt.cell(anchor)
    names = []
    for index, term in enumerate(terms):
        cell = fmt.cell(term.cell)
        same_row = (cell.table, cell.row) == (home.table, home.row)
        name = (_PREVIOUS if term.offset else "") + (cell.column.label if same_row else cell.label)
        names.append(f"{name} {{r{index}}}")
    return join_terms(terms, names)


def describe_rule(fmt: Format, rule) -> str:
    """The rule in words, for a person (the summary's 说明 sheet): its cells' labels, not its id.
    "（七）总计·总计 = 本年新收政府信息公开申请数量·总计 + 上年结转政府信息公开申请数量·总计"."""
    if isinstance(rule, TextRule):
        return f"文字中写明的件数 = {' + '.join(fmt.cell(cell).label for cell in rule.cells())}"
    if isinstance(rule, WritingRule):
        parts = fmt.section(rule.part.split(".")[0]).title
        needs = f"，并写到“{'”或“'.join(rule.needs)}”" if rule.needs else ""
        when = f"（{fmt.cell(rule.when).label}大于 0 时）" if rule.when else ""
        length = f"不少于 {rule.min_chars} 字" if rule.min_chars else "不空"
        return f"{when}{parts}{length}{needs}"

    def side(terms) -> str:
        return join_terms(terms, [(_PREVIOUS if t.offset else "") + fmt.cell(t.cell).label for t in terms])

    op = "=" if rule.op == "=" else "≤"
    if rule.kind == "sum" and len(rule.rhs) > 3:  # a total of a row or a column: its parts need no list
        return f"{side(rule.lhs)} {op} 各分项之和（{len(rule.rhs)} 项）"
    return f"{side(rule.lhs)} {op} {side(rule.rhs)}"


def soft_rule(fmt: Format, cell: str, op: str, terms: tuple[Term, ...], prev_versions=()) -> Rule:
    """A warning: cell = terms (worded 应为) or cell <= terms (worded 不应大于)."""
    label, described = fmt.cell(cell).label, _describe(fmt, terms, cell)
    if op == "=":
        message = f"{label}应为 {{rhs}}（{described}），现为 {{lhs}}"
    else:
        message = f"{label} {{lhs}} 不应大于{described}" + (" = {rhs}" if len(terms) > 1 else "")
    cross_year = any(term.offset for term in terms)
    return Rule(
        id=f"{'cross_year' if cross_year else 'check'}.{'le' if op == '<=' else 'eq'}.{cell}",
        kind="cross_year" if cross_year and op == "=" else ("inequality" if op == "<=" else "equation"),
        severity=Severity.SOFT,
        lhs=(Term(1, cell),),
        op=op,
        rhs=terms,
        message=message,
        prev_versions=tuple(prev_versions),
    )


def sum_rule(fmt: Format, axis: str, target: str, items: tuple[str, ...]) -> Rule:
    """总计 = the sum of its items; hard, and the total is computed (derives)."""
    return Rule(
        id=f"sum.{axis}.{target}",
        kind="sum",
        severity=Severity.HARD,
        lhs=(Term(1, target),),
        op="=",
        rhs=tuple(Term(1, item) for item in items),
        message=f"{fmt.cell(target).label}应为 {{rhs}}（各项之和），现为 {{lhs}}",
        derives=True,
    )


def build_format(*, version, variant, title, sections, rule_factories=(), variant_name="") -> Format:
    """A Format whose rules are its structural sums followed by what each factory declares."""
    draft = Format(version, variant, title, tuple(sections), variant_name=variant_name)
    rules: list = [
        sum_rule(draft, axis, target, items)
        for table in draft.tables()
        for axis, target, items in table.sum_relations()
    ]
    for factory in rule_factories:
        rules.extend(factory(draft))
    fmt = Format(version, variant, title, tuple(sections), tuple(rules), tuple(rule_factories), variant_name)
    check(fmt)
    return fmt


def check(fmt: Format) -> None:
    """Fail at import time, not in a user's browser, when a definition is inconsistent."""
    cells = fmt.cells()
    parts = {part.key for part in fmt.text_parts()}
    ids = [rule.id for rule in fmt.rules]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{fmt.key}: duplicate rule ids")
    for rule in fmt.rules:
        if isinstance(rule, TextRule | WritingRule):
            if not set(rule.cells()) <= set(cells) or not set(rule.parts) <= parts:
                raise ValueError(f"{fmt.key}: rule {rule.id} refers to an unknown cell or part")
            continue
        terms = (*rule.lhs, *rule.rhs)
        if any(t.cell not in cells or t.coef not in (1, -1) or t.offset not in (0, -1) for t in terms):
            raise ValueError(f"{fmt.key}: rule {rule.id} has an unknown cell or a bad term")
        if len({cells[t.cell].type is CellType.MONEY for t in terms}) > 1:
            raise ValueError(f"{fmt.key}: rule {rule.id} mixes money and counts")
    derived = {rule.lhs[0].cell for rule in fmt.rules if getattr(rule, "derives", False)}
    if fmt.computed_cells() - derived:
        raise ValueError(f"{fmt.key}: computed cells without a sum: {sorted(fmt.computed_cells() - derived)}")
    compute_order(fmt)
