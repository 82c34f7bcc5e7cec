"""The 2021 format (国办公开办函〔2021〕30号), used for the reports on 2021 onward.

Derived from the shared blocks: section 二 keeps only decision counts (件) and the fee amount,
总体情况 has the five official sub-parts, （六）其他处理 splits into three rows, and 五/六 ask
for a little more. Rules R2.1/R2.2 compare 现行有效件数 with last year's report.
"""

from __future__ import annotations

from .base import CellType, Format, RowGroup, TextPart
from .blocks import (
    ENFORCEMENT_ROWS,
    FEES,
    FORMAT_TITLE,
    LICENSING,
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
from .rules import Term

VERSION = "2021"
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
        other_also="；并按照《政府信息公开信息处理费管理办法》报告收取信息处理费的情况"
        "（发出收费通知的件数和金额、实际收取的金额）",
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


FORMAT = build_format(
    version=VERSION,
    variant=None,
    title=FORMAT_TITLE,
    sections=SECTIONS,
    rule_factories=(documents_rules, applications_rules),
)
