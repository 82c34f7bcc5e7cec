"""How far a report is filled in, per section (re-exported by rules.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .base import Format


@dataclass(frozen=True)
class SectionProgress:
    key: str
    title: str
    complete: bool
    filled: int
    total: int
    missing: tuple[str, ...]  # ids of empty input cells and of blank required text parts


def completeness(fmt: Format, values: Mapping, texts: Mapping[str, str]) -> dict[str, SectionProgress]:
    """Per section: a table is complete when every input (non-computed) cell has a value, a text
    section when its required parts are not blank ("无。" is text)."""
    progress = {}
    for section in fmt.sections:
        cells = [c.id for t in section.tables for c in t.cells() if not c.computed]
        parts = [part.key for part in section.parts if part.required]
        missing = tuple(
            [c for c in cells if values.get(c) is None]
            + [p for p in parts if not (texts.get(p) or "").strip()]
        )
        total = len(cells) + len(parts)
        progress[section.key] = SectionProgress(
            section.key, section.title, not missing, total - len(missing), total, missing
        )
    return progress
