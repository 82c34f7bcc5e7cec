"""Consistency rules (勾稽关系) as data, and their evaluation.

Every numeric rule has one general form that the browser can evaluate too: a linear relation
`lhs op rhs` where each side is a list of Terms (coefficient ±1, cell id, year offset 0 or -1)
and op is "=" or "<=". Rules are never typed per cell: the sums come from the tables' total
rows/columns (base.Table.sum_relations), the others from factories in the format modules that
iterate over the structure; blocks.py words them. Messages are templates with the labels
already filled in and a few placeholders ({lhs}, {rhs}, {lhs_terms}, {rhs_terms}, {l0}…,
{r0}…, {quoted}, {value}) that Python and static/js/rules.js fill the same way.

Values are Python values (int, Decimal, None); None counts as 0. During entry, call compute()
before evaluate(); for an imported report evaluate the values as published, so wrong totals show.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from .base import CellType, Format
from .cells import CellValueError, format_cell, parse_cell, parse_spec, validate_values
from .progress import SectionProgress, completeness

__all__ = [
    "Rule",
    "RuleResult",
    "SectionProgress",
    "Severity",
    "Term",
    "TextRule",
    "WritingRule",
    "completeness",
    "compute",
    "compute_order",
    "evaluate",
    "format_json",
    "hard_failures",
    "join_terms",
    "render",
    "soft_warnings",
    "validate_values",
]

PLACEHOLDER_PATTERN = r"\{(\w+)\}"
_PLACEHOLDER = re.compile(PLACEHOLDER_PATTERN)


class Severity(enum.Enum):
    HARD = "hard"  # the report cannot be submitted
    SOFT = "soft"  # a warning the author confirms


@dataclass(frozen=True)
class Term:
    coef: int  # +1 or -1
    cell: str
    offset: int = 0  # 0: this report; -1: the previous year's report


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # "sum", "balance", "cross_year", "inequality"
    severity: Severity
    lhs: tuple[Term, ...]
    op: str  # "=" or "<="
    rhs: tuple[Term, ...]
    message: str
    derives: bool = False  # lhs is one cell computed from rhs (read-only in the entry form)
    prev_versions: tuple[str, ...] = ()  # format versions of a previous report it can be checked against

    def cells(self) -> tuple[str, ...]:
        """This year's cells involved, for highlighting."""
        return tuple(dict.fromkeys(t.cell for t in (*self.lhs, *self.rhs) if t.offset == 0))

    def as_json(self, fmt: Format) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity.value,
            "type": fmt.cell(self.lhs[0].cell).type.value,
            "lhs": [{"coef": t.coef, "cell": t.cell, "offset": t.offset} for t in self.lhs],
            "op": self.op,
            "rhs": [{"coef": t.coef, "cell": t.cell, "offset": t.offset} for t in self.rhs],
            "message": self.message,
            "derives": self.derives,
            "prev_versions": list(self.prev_versions),
        }


@dataclass(frozen=True)
class TextRule:
    """A number quoted in the text (matched by JS-compatible regexes, group 1) must equal a cell,
    or the sum of the cell and `also` (诉讼: 直接起诉·总计 + 复议后起诉·总计)."""

    id: str
    cell: str
    parts: tuple[str, ...]
    patterns: tuple[str, ...]
    message: str
    kind: str = "text"
    severity: Severity = Severity.SOFT
    also: tuple[str, ...] = ()

    def cells(self) -> tuple[str, ...]:
        return (self.cell, *self.also)

    def as_json(self, fmt: Format) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity.value,
            "cell": self.cell,
            "also": list(self.also),
            "parts": list(self.parts),
            "patterns": list(self.patterns),
            "message": self.message,
        }


# The characters that count as words when a text part is measured (汉字, Latin letters, digits);
# written with \u escapes so that Python's re and the browser's RegExp read the same class.
WORD_CHARACTER = r"[0-9A-Za-z\u3400-\u9fff]"


@dataclass(frozen=True)
class WritingRule:
    """A text part must say enough: at least `min_chars` word characters, and one of the phrases
    `needs` when given. With `when` (a cell id) it applies only while that cell is above 0. A
    blank part is left to completeness (skipped here). Message placeholders: {count}, {value}."""

    id: str
    part: str
    message: str
    min_chars: int = 0
    needs: tuple[str, ...] = ()
    when: str | None = None
    kind: str = "writing"
    severity: Severity = Severity.SOFT

    @property
    def parts(self) -> tuple[str, ...]:
        return (self.part,)

    def cells(self) -> tuple[str, ...]:
        return (self.when,) if self.when else ()

    def as_json(self, fmt: Format) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "severity": self.severity.value,
            "part": self.part,
            "parts": [self.part],
            "min_chars": self.min_chars,
            "needs": list(self.needs),
            "when": self.when,
            "word_pattern": WORD_CHARACTER,
            "message": self.message,
        }


@dataclass(frozen=True)
class RuleResult:
    rule_id: str
    kind: str
    severity: Severity
    ok: bool
    message: str  # "" when ok
    cells: tuple[str, ...]
    skipped: bool = False  # not checkable (no previous report, no number quoted): not a failure

    def as_json(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "kind": self.kind,
            "severity": self.severity.value,
            "ok": self.ok,
            "message": self.message,
            "cells": list(self.cells),
            "skipped": self.skipped,
        }


# ---------------------------------------------------------------------------------------------
# Evaluation


@cache
def compute_order(fmt: Format) -> tuple[str, ...]:
    """Ids of the deriving rules, each after the rules that compute its inputs.

    A cell derived by two sums (（七）总计·总计) is computed by the first; the other only checks.
    """
    deriving: dict[str, Rule] = {}
    for rule in fmt.rules:
        if getattr(rule, "derives", False):
            deriving.setdefault(rule.lhs[0].cell, rule)
    order: list[str] = []
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(cell: str) -> None:
        if cell in done or cell not in deriving:
            return
        if cell in visiting:
            raise ValueError(f"{fmt.key}: computed cells depend on each other at {cell}")
        visiting.add(cell)
        for term in deriving[cell].rhs:
            visit(term.cell)
        visiting.discard(cell)
        done.add(cell)
        order.append(deriving[cell].id)

    for cell in deriving:
        visit(cell)
    return tuple(order)


def compute(fmt: Format, values: Mapping[str, object]) -> dict:
    """The values with every computed cell filled in (empty inputs count as 0)."""
    result = dict(values)
    rules = {rule.id: rule for rule in fmt.rules}
    for rule_id in compute_order(fmt):
        rule = rules[rule_id]
        target = rule.lhs[0].cell
        total = sum(t.coef * (result.get(t.cell) or 0) for t in rule.rhs)
        result[target] = Decimal(total) if fmt.cell(target).type is CellType.MONEY else int(total)
    return result


def render(template: str, context: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: context.get(m[1], m[0]), template)


def join_terms(terms, shown) -> str:
    """The shown texts joined by the terms' signs, "5 + 0" or "11 + 2 - 1" (messages and values alike)."""
    text = ""
    for index, (term, part) in enumerate(zip(terms, shown)):
        sign = ("-" if term.coef < 0 else "") if index == 0 else (" - " if term.coef < 0 else " + ")
        text += sign + part
    return text


def _expression(fmt: Format, terms, numbers) -> str:
    return join_terms(terms, [format_cell(fmt.cell(t.cell).type, n) for t, n in zip(terms, numbers)])


def _check_linear(fmt, rule: Rule, values, previous, previous_version) -> RuleResult:
    def result(ok, message="", skipped=False):
        return RuleResult(rule.id, rule.kind, rule.severity, ok, message, rule.cells(), skipped)

    terms = (*rule.lhs, *rule.rhs)
    if any(t.offset for t in terms):
        if previous is None or (rule.prev_versions and previous_version not in rule.prev_versions):
            return result(True, skipped=True)
        if any(previous.get(t.cell) is None for t in terms if t.offset):
            return result(True, skipped=True)

    def number(term):
        value = (previous if term.offset else values).get(term.cell)
        return 0 if value is None else value

    lhs_numbers = [number(t) for t in rule.lhs]
    rhs_numbers = [number(t) for t in rule.rhs]
    lhs = sum(t.coef * n for t, n in zip(rule.lhs, lhs_numbers))
    rhs = sum(t.coef * n for t, n in zip(rule.rhs, rhs_numbers))
    if lhs == rhs if rule.op == "=" else lhs <= rhs:
        return result(True)
    kind = fmt.cell(rule.lhs[0].cell).type
    context = {
        "lhs": format_cell(kind, lhs),
        "rhs": format_cell(kind, rhs),
        "lhs_terms": _expression(fmt, rule.lhs, lhs_numbers),
        "rhs_terms": _expression(fmt, rule.rhs, rhs_numbers),
    }
    for side, terms_, numbers in (("l", rule.lhs, lhs_numbers), ("r", rule.rhs, rhs_numbers)):
        for index, (term, n) in enumerate(zip(terms_, numbers)):
            context[f"{side}{index}"] = format_cell(fmt.cell(term.cell).type, n)
    return result(False, render(rule.message, context))


def _check_text(fmt, rule: TextRule, values, texts) -> RuleResult:
    def result(ok, message="", skipped=False):
        return RuleResult(rule.id, rule.kind, rule.severity, ok, message, rule.cells(), skipped)

    if texts is None:
        return result(True, skipped=True)
    value = sum(values.get(cell) or 0 for cell in rule.cells())
    quoted_any = False
    for part in rule.parts:
        for pattern in rule.patterns:
            for match in re.finditer(pattern, texts.get(part) or ""):
                try:
                    quoted = parse_cell(CellType.COUNT, match[1])
                except CellValueError:
                    continue
                quoted_any = True
                if quoted != value:
                    context = {"quoted": str(quoted), "value": str(value)}
                    return result(False, render(rule.message, context))
    return result(True, skipped=not quoted_any)


def word_count(text: str) -> int:
    return len(re.findall(WORD_CHARACTER, text or ""))


def _check_writing(rule: WritingRule, values, texts) -> RuleResult:
    def result(ok, message="", skipped=False):
        return RuleResult(rule.id, rule.kind, rule.severity, ok, message, rule.cells(), skipped)

    text = (texts or {}).get(rule.part) or ""
    if texts is None or not text.strip():
        return result(True, skipped=True)
    value = (values.get(rule.when) or 0) if rule.when else 0
    if rule.when and value <= 0:
        return result(True, skipped=True)
    count = word_count(text)
    if count >= rule.min_chars and (not rule.needs or any(phrase in text for phrase in rule.needs)):
        return result(True)
    return result(False, render(rule.message, {"count": str(count), "value": str(value)}))


def _check(fmt, rule, values, previous, texts, previous_version) -> RuleResult:
    if isinstance(rule, TextRule):
        return _check_text(fmt, rule, values, texts)
    if isinstance(rule, WritingRule):
        return _check_writing(rule, values, texts)
    return _check_linear(fmt, rule, values, previous, previous_version)


def evaluate(fmt: Format, values, *, previous=None, texts=None, previous_version=None) -> list[RuleResult]:
    """One result per rule, in definition order.

    `previous` is last year's values (None: the cross-year rules are skipped, not failed);
    `previous_version` its format version (default: the same as fmt). `texts` maps text part
    keys to their text (None: the text rules are skipped).
    """
    previous_version = previous_version or fmt.version
    return [_check(fmt, rule, values, previous, texts, previous_version) for rule in fmt.rules]


def hard_failures(results: Iterable[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.ok and r.severity is Severity.HARD]


def soft_warnings(results: Iterable[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.ok and r.severity is Severity.SOFT]


# ---------------------------------------------------------------------------------------------
# Export


def format_json(fmt: Format) -> dict:
    """Everything the browser needs to parse, compute, check and word messages like Python."""
    return {
        "version": fmt.version,
        "variant": fmt.variant,
        "key": fmt.key,
        "title": fmt.title,
        "sections": [
            {
                "key": s.key,
                "number": s.number,
                "title": s.title,
                "tables": [t.key for t in s.tables],
                "parts": [p.key for p in s.parts],
            }
            for s in fmt.sections
        ],
        "cells": [
            {"id": c.id, "type": c.type.value, "label": c.label, "computed": c.computed, "table": c.table}
            for c in fmt.cells().values()
        ],
        "text_parts": [
            {"key": p.key, "title": p.title, "guidance": p.guidance, "required": p.required}
            for p in fmt.text_parts()
        ],
        "rules": [rule.as_json(fmt) for rule in fmt.rules],
        "compute_order": list(compute_order(fmt)),
        "placeholder_pattern": PLACEHOLDER_PATTERN,
        "parse": parse_spec(),
    }
