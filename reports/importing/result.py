"""What an import read: values, texts and findings; and how one printed cell is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..formats import Format
from ..formats import rules as format_rules
from ..formats.base import CellType
from ..formats.cells import (
    PUBLISHED_MONEY_PLACES,
    CellValueError,
    format_cell,
    normalise,
    parse_cell,
    to_json_value,
)
from .tokens import BLANK_MARKS


@dataclass
class ImportResult:
    format: Format
    values: dict = field(default_factory=dict)  # cell id -> int | Decimal, as published
    texts: dict = field(default_factory=dict)  # text part key -> text
    blanks: list = field(default_factory=list)  # cell ids printed blank, read as 0
    warnings: list = field(default_factory=list)  # imported, but worth a look
    errors: list = field(default_factory=list)  # could not be read: the import is incomplete
    missing: list = field(default_factory=list)  # cell ids not read at all
    # Where the unread cells are: {"cells": [...], "line": n | None, "quote": the line, "reason": …}
    unread_places: list = field(default_factory=list)
    # Numbers of a table region that could not be placed in a cell: {"line", "printed", "quote"}
    unplaced: list = field(default_factory=list)
    preamble: str = ""
    sections_found: list = field(default_factory=list)
    check: list = field(default_factory=list)  # RuleResult of every rule on the published values

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def hard_failures(self) -> list:
        return format_rules.hard_failures(self.check)

    @property
    def soft_warnings(self) -> list:
        return format_rules.soft_warnings(self.check)

    def rule_messages(self) -> list[str]:
        return [f"勾稽关系不符：{r.message}" for r in self.hard_failures] + [
            f"预警：{r.message}" for r in self.soft_warnings
        ]

    def findings(self) -> list[str]:
        """Everything a person should read, in Chinese, errors first."""
        return [f"错误：{m}" for m in self.errors] + [f"提示：{m}" for m in self.warnings] + self.rule_messages()

    def values_json(self) -> dict:
        return {c: to_json_value(self.format.cell(c).type, v) for c, v in self.values.items()}


def read_number(cell_type: CellType, printed: str) -> tuple[int | Decimal | None, str]:
    """A printed cell as a value and a note ("" or what was done to it); raises CellValueError.

    Money is in 万元, kept as printed (up to six places): "132.644412" and "132.6444万元" as they
    are, "251000元" converted to 25.1 and "12345.67元" to 1.234567 (never rounded).
    """
    text = normalise(printed)
    if not text or text in BLANK_MARKS:
        return None, "blank"
    if cell_type is CellType.MONEY:
        if text.endswith("万元"):
            return parse_cell(cell_type, text[:-2], places=PUBLISHED_MONEY_PLACES), ""
        if text.endswith("元"):
            try:
                yuan = Decimal(text[:-1].replace(",", ""))
            except InvalidOperation:
                raise CellValueError("请输入数字") from None
            if not yuan.is_finite() or yuan < 0:
                raise CellValueError("请输入数字")
            wan = (yuan / Decimal(10000)).normalize()
            value = parse_cell(cell_type, format(wan, "f"), places=PUBLISHED_MONEY_PLACES)
            return value, f"“{printed}”按万元读作 {format_cell(cell_type, value)}"
        return parse_cell(cell_type, text, places=PUBLISHED_MONEY_PLACES), ""
    return parse_cell(cell_type, text), ""
