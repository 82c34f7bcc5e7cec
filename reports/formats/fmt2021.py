"""The 2021 format (国办公开办函〔2021〕30号), used for the reports on 2021 onward.

Derived from the shared blocks: section 二 keeps only decision counts (件) and the fee amount,
总体情况 has the five official sub-parts, （六）其他处理 splits into three rows, and 五/六 ask
for a little more. Rules R2.1/R2.2 compare 现行有效件数 with last year's report.
"""

from __future__ import annotations

from .base import CellType, Format, RowGroup, TextPart
from .blocks import (
    ADMIN_REVIEW,
    ENFORCEMENT_ROWS,
    FEES,
    FORMAT_TITLE,
    LICENSING,
    LITIGATION,
    OTHER_HANDLING,
    REGULATIONS,
    REVIEW_TABLE,
    applications_rules,
    applications_table,
    article20_table,
    build_format,
    closing_sections,
    columns,
    numbered,
    rows,
    soft_rule,
    table_section,
    text_section,
)
from .rules import Term, TextRule, WritingRule

VERSION = "2021"
FEE = "信息处理费"
FEE_DETAILS = "（发出收费通知的件数和金额、实际收取的金额）"
_DECISIONS = "本年处理决定数量"

OVERVIEW_PARTS = (
    ("（一）主动公开", "本年度主动公开政府信息的数量、重点领域信息和公开渠道等情况。"),
    (
        "（二）依申请公开",
        "收到和处理政府信息公开申请的情况，例如“共收到政府信息公开申请N件”；所写数字应与第三部分的表格一致。",
    ),
    ("（三）政府信息管理", "政府信息公开审查、公开指南和目录的维护、规范性文件清理等政府信息管理情况。"),
    ("（四）政府信息公开平台建设", "政府网站、政务新媒体、公开专栏等政府信息公开平台的建设情况。"),
    (
        "（五）监督保障",
        (
            "培训、考核和监督检查等情况；各级人民政府还应报告第五十条第四项规定的"
            "“工作考核、社会评议和责任追究结果情况”。"
        ),
    ),
)

SECTIONS = (
    text_section(
        1,
        (
            *(
                TextPart(f"s1.p{i}", title, guidance, required=True)
                for i, (title, guidance) in enumerate(OVERVIEW_PARTS, 1)
            ),
            TextPart(
                "s1.extra",
                "",
                "可选：本机关需要报告的其他方面，自行编号，例如“（六）政府信息公开标准化建设方面”。",
            ),
        ),
        guidance="报告本机关政府信息公开工作总体情况，对本机关贯彻落实《条例》情况进行综述，主要包括以下五个方面。",
    ),
    table_section(
        2,
        (
            article20_table(
                1,
                columns("本年制发件数", "本年废止件数", "现行有效件数"),
                rows(REGULATIONS, "行政规范性文件"),
            ),
            article20_table(5, columns(_DECISIONS), rows(LICENSING)),
            article20_table(6, columns(_DECISIONS), rows(*ENFORCEMENT_ROWS)),
            article20_table(8, columns(("本年收费金额（单位：万元）", CellType.MONEY)), rows(FEES)),
        ),
    ),
    table_section(
        3,
        (
            applications_table(
                RowGroup(
                    OTHER_HANDLING,
                    numbered(
                        "R3_6",
                        (
                            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                            "3.其他",
                        ),
                    ),
                )
            ),
        ),
    ),
    table_section(4, (REVIEW_TABLE,)),
    *closing_sections(
        "五、存在的主要问题及改进情况",
        problems_also="，以及上年度年报所列问题的改进情况",
        other_also=f"；并按照《政府信息公开信息处理费管理办法》报告收取{FEE}的情况{FEE_DETAILS}",
    ),
)


def documents_rules(fmt: Format):
    """R2.1 现行有效件数(N) = 现行有效件数(N−1) + 本年制发件数 − 本年废止件数, and R2.2
    本年废止件数 ≤ 现行有效件数(N−1) + 本年制发件数; soft, only against a 2021-format report."""
    table = fmt.table("s2.t1")
    issued, repealed, current = table.leaf_columns()
    for row in table.leaf_rows():
        cell = {column.key: table.cell_id(row, column) for column in (issued, repealed, current)}
        last_year, new = Term(1, cell[current.key], -1), Term(1, cell[issued.key])
        yield soft_rule(
            fmt, cell[current.key], "=", (last_year, new, Term(-1, cell[repealed.key])), (VERSION,)
        )
        yield soft_rule(fmt, cell[repealed.key], "<=", (last_year, new), (VERSION,))


# Numbers of cases quoted in section 一 (JS-compatible, group 1 = the number); 、 ends a phrase, so
# 「申请行政复议、提起行政诉讼各1件」 is not read as a number of 复议 cases.
_CASE_GAP = "[^，。；、,;：:\\n]{0,20}?"
_CASES = "(?:案件)?(?:数量|件数)?(?:为|共计|共|合计)?[ 　]*([0-9０-９][0-9０-９,]*)[ 　]*件"
REVIEW_PATTERN = ADMIN_REVIEW + _CASE_GAP + _CASES
LITIGATION_PATTERN = f"(?:{LITIGATION}|行政应诉)" + _CASE_GAP + _CASES
PROBLEMS_MIN_CHARS = 20  # 「无。」 or one line of 套话 is not 存在的主要问题及改进情况


def writing_rules(fmt: Format):
    """Section 一's numbers of 行政复议 / 行政诉讼 cases against section 四; section 五 says more
    than 无; section 六 reports the 信息处理费 when 三（六）2 counts applications that lapsed on fees."""
    overview = tuple(part.key for part in fmt.section("s1").parts)
    s1, s3, s4 = (fmt.section(key) for key in ("s1", "s3", "s4"))
    table = fmt.table("s4")
    review_total, direct_total, after_total = (
        table.cell_id(table.leaf_rows()[0], table.column(key)) for key in ("c5", "c10", "c15")
    )
    yield TextRule(
        id=f"text.{review_total}",
        cell=review_total,
        parts=overview,
        patterns=(REVIEW_PATTERN,),
        message=f"{s1.title}中写明的{ADMIN_REVIEW} {{quoted}} 件与{s4.title}中“{fmt.cell(review_total).label}”"
        "{value} 不一致",
    )
    yield TextRule(
        id=f"text.{direct_total}",
        cell=direct_total,
        also=(after_total,),
        parts=overview,
        patterns=(LITIGATION_PATTERN,),
        message=f"{s1.title}中写明的{LITIGATION} {{quoted}} 件与{s4.title}中“{fmt.cell(direct_total).label}”"
        f"与“{fmt.cell(after_total).label}”之和 {{value}} 不一致",
    )
    problems = fmt.section("s5")
    yield WritingRule(
        id="writing.s5.p0",
        part=problems.parts[0].key,
        min_chars=PROBLEMS_MIN_CHARS,
        message=f"{problems.title}只写了 {{count}} 个字：请写明本年度存在的主要问题和改进措施，"
        "以及上年度年报所列问题的改进情况",
    )
    applications = fmt.table("s3")
    lapsed = applications.row("R3_6_2")
    lapsed_total = applications.cell_id(lapsed, next(c for c in applications.leaf_columns() if c.total))
    other = fmt.section("s6")
    yield WritingRule(
        id="writing.s6.p0.fee",
        part=other.parts[0].key,
        needs=(FEE,),
        when=lapsed_total,
        message=f"{s3.title}“{OTHER_HANDLING}{lapsed.label}”有 {{value}} 件，{other.title}却没有报告{FEE}的情况{FEE_DETAILS}",
    )


FORMAT = build_format(
    version=VERSION,
    variant=None,
    title=FORMAT_TITLE,
    sections=SECTIONS,
    rule_factories=(documents_rules, applications_rules, writing_rules),
)
