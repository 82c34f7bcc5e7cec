"""Local variants, derived from a base format by small transformations (never copied).

北京市 2019 (seen in the seed report): T2.5's 其他对外管理服务事项 becomes a group label over
行政检查 (r2a) and 行政确认 (r2b), and T2.9's 采购总金额 carries its unit. The derived format
regenerates its rules from its own structure with the base's rule factories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .base import Format, Row, RowGroup, Table
from .blocks import build_format

VARIANT_NAMES = {"beijing": "北京市"}


def _replace_node(nodes: tuple, key: str, new) -> tuple:
    """The tree with the leaf `key` replaced by `new` (a leaf or a group), at any depth."""
    return tuple(
        replace(node, children=_replace_node(node.children, key, new))
        if hasattr(node, "children")
        else (new if node.key == key else node)
        for node in nodes
    )


def split_row(table: Table, key: str, children: tuple[Row, ...]) -> Table:
    """Turn a data row into a group label (the same label object) over new sub-rows."""
    row = table.row(key)
    return replace(table, rows=_replace_node(table.rows, key, RowGroup(row.label, children)))


def suffix_column(table: Table, key: str, suffix: str) -> Table:
    column = table.column(key)
    return replace(
        table, columns=_replace_node(table.columns, key, replace(column, label=column.label + suffix))
    )


def derive(base: Format, variant: str, changes: dict[str, Callable[[Table], Table]]) -> Format:
    """A variant of `base` with some tables transformed; unknown table keys are an error."""
    unknown = set(changes) - {table.key for table in base.tables()}
    if unknown:
        raise KeyError(f"format {base.key} has no tables {sorted(unknown)}")
    sections = tuple(
        replace(section, tables=tuple(changes.get(t.key, lambda t: t)(t) for t in section.tables))
        for section in base.sections
    )
    return build_format(
        version=base.version,
        variant=variant,
        title=base.title,
        sections=sections,
        rule_factories=base.rule_factories,
        variant_name=VARIANT_NAMES.get(variant, ""),
    )


def beijing(base: Format) -> Format:
    return derive(
        base,
        "beijing",
        {
            "s2.t5": lambda t: split_row(t, "r2", (Row("r2a", "行政检查"), Row("r2b", "行政确认"))),
            "s2.t9": lambda t: suffix_column(t, "c2", "（万元，保留四位小数）"),
        },
    )


# (version, variant) → function deriving the variant from that version's base format.
VARIANTS: dict[tuple[str, str], Callable[[Format], Format]] = {("2019", "beijing"): beijing}
