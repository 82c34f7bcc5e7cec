"""Tolerant matching of printed labels: how a published table may print a definition's label.

Real reports print labels with other brackets and numbering (1、 for 1.), the other format's
wording (2019's 规范性文件 in a 2021 report), or with a character missing (其他法律行政止公开).
Each accepted variant is returned with what was printed, so the parser can name it as a warning.
The variants come from the definitions (the same row of the other format versions), never typed.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

from ..formats import Format, get_format
from ..formats.cells import normalise

__all__ = ["loose_key", "other_labels", "similar"]

_PUNCTUATION = re.compile(r"[.,、，。:：;；\"“”'‘’()（）\[\]【】〔〕<>《》·\-—_/\\!！?？]")
SIMILAR = 0.8  # SequenceMatcher ratio from which a printed label may be a slip of the definition's
_MARGIN = 0.08  # …and only when it is clearly closer to that label than to any other


def loose_key(text: str) -> str:
    """A label without spaces, punctuation, brackets and numbering punctuation: 1、 and 1. alike."""
    return _PUNCTUATION.sub("", normalise(text or ""))


@cache
def other_labels(version: str, variant: str | None) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table key, row key) → the labels the other format versions print for that same row."""
    from ..formats import available_formats

    own = get_format(version, variant)
    found: dict[tuple[str, str], set[str]] = {}
    for other_version, other_variant in available_formats():
        if other_version == version:
            continue
        other = get_format(other_version, other_variant)
        for table in other.tables():
            try:
                mine = own.table(table.key)
            except KeyError:
                continue
            for row in table.leaf_rows():
                try:
                    label = mine.row(row.key).label
                except StopIteration:
                    continue
                if row.label and loose_key(row.label) != loose_key(label):
                    found.setdefault((table.key, row.key), set()).add(row.label)
    return {key: tuple(sorted(labels)) for key, labels in found.items()}


def similar(printed: str, label: str, others: list[str]) -> bool:
    """`printed` is `label` with a slip (a character or two missing or changed), clearly closer to it
    than to any of `others`, and with the same leading number (2. is never 3.)."""
    a, b = loose_key(printed), loose_key(label)
    if len(b) < 5 or not a or a[0] != b[0]:
        return False
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if ratio < SIMILAR:
        return False
    rivals = [SequenceMatcher(None, a, loose_key(o), autojunk=False).ratio() for o in others if o != label]
    return all(ratio - r >= _MARGIN for r in rivals)


def format_labels(fmt: Format) -> dict[str, list[str]]:
    """Table key → every leaf row label of that table (the rivals of a slip)."""
    return {table.key: [row.label for row in table.leaf_rows() if row.label] for table in fmt.tables()}
