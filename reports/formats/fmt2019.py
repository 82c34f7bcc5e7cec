"""The 2019 format (国办公开办函〔2019〕60号), used for the reports on 2019 and 2020.

Only what differs from the shared blocks is written here: the section 二 tables with their
project counts (上一年项目数量 / 本年增/减), 第二十条第（九）项 政府集中采购, a one-part 总体情况,
and （六）其他处理 as a single data row.
"""

from __future__ import annotations

from .base import CellType, Format, Row, TextPart
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
    rows,
    soft_rule,
    table_section,
    text_section,
)
from .rules import Term

VERSION = "2019"
_PROJECTS = ("上一年项目数量", ("本年增/减", CellType.SIGNED))
_DECISIONS = "处理决定数量"

SECTIONS = (
    text_section(
        1,
        (
            TextPart(
                "s1.p0",
                "",
                "综述本机关本年度贯彻落实《条例》的情况，可分条撰写：主动公开政府信息的数量和渠道、"
                "收到和处理政府信息公开申请的情况（如“共收到政府信息公开申请N件”）、制度建设和审核、"
                "平台建设、监督保障等。",
                required=True,
            ),
        ),
    ),
    table_section(
        2,
        (
            article20_table(
                1,
                columns("本年新制作数量", "本年新公开数量", "对外公开总数量"),
                rows(REGULATIONS, "规范性文件"),
            ),
            article20_table(5, columns(*_PROJECTS, _DECISIONS), rows(LICENSING, "其他对外管理服务事项")),
            article20_table(6, columns(*_PROJECTS, _DECISIONS), rows(*ENFORCEMENT_ROWS)),
            article20_table(8, columns(*_PROJECTS), rows(FEES)),
            article20_table(9, columns("采购项目数量", ("采购总金额", CellType.MONEY)), rows("政府集中采购")),
        ),
    ),
    table_section(3, (applications_table(Row("R3_6", OTHER_HANDLING)),)),
    table_section(4, (REVIEW_TABLE,)),
    *closing_sections("五、政府信息公开工作存在的主要问题及改进情况"),
)


def publication_rules(fmt: Format):
    """T2.1: 本年新公开数量 should not exceed 对外公开总数量 (soft; not an official rule)."""
    table = fmt.table("s2.t1")
    published, total = table.column("c2"), table.column("c3")
    for row in table.leaf_rows():
        yield soft_rule(fmt, table.cell_id(row, published), "<=", (Term(1, table.cell_id(row, total)),))


FORMAT = build_format(
    version=VERSION,
    variant=None,
    title=f"{FORMAT_TITLE}（试行）",
    sections=SECTIONS,
    rule_factories=(publication_rules, applications_rules),
)
