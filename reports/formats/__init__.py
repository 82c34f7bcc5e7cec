"""Report format definitions: what a 政府信息公开工作年度报告 is, per format version.

Pure Python (standard library only): one declarative definition per version drives forms,
validation (server and browser), rendering, imports and summaries. Start with get_format().
"""

from __future__ import annotations

from functools import cache

from . import fmt2019, fmt2021
from .base import Cell, CellType, Column, ColumnGroup, Format, Row, RowGroup, Section, Table, TextPart
from .variants import VARIANT_NAMES, VARIANTS

__all__ = [
    "VARIANT_NAMES",
    "Cell",
    "CellType",
    "Column",
    "ColumnGroup",
    "Format",
    "Row",
    "RowGroup",
    "Section",
    "Table",
    "TextPart",
    "UnknownFormatError",
    "available_formats",
    "format_version_for_year",
    "get_format",
]

_BASES = {fmt2019.VERSION: fmt2019.FORMAT, fmt2021.VERSION: fmt2021.FORMAT}
FIRST_YEAR = 2019  # the 2019 format is the first one; earlier reports predate the 条例 of 2019
FIRST_YEAR_OF_2021_FORMAT = 2021


class UnknownFormatError(KeyError, ValueError):
    """No such format version or variant (a KeyError and a ValueError, with a readable message)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def available_formats() -> tuple[tuple[str, str | None], ...]:
    """Every (version, variant) that get_format accepts; variant None is the national format."""
    return tuple(
        sorted([(version, None) for version in _BASES] + list(VARIANTS), key=lambda k: (k[0], k[1] or ""))
    )


@cache
def _variant(version: str, variant: str) -> Format:
    return VARIANTS[(version, variant)](_BASES[version])


def get_format(version: str, variant: str | None = None) -> Format:
    """The format definition for a version ("2019", "2021") and optional variant ("beijing")."""
    version = str(version)
    if version not in _BASES:
        raise UnknownFormatError(f"unknown format version {version!r}; available: {sorted(_BASES)}")
    if not variant:
        return _BASES[version]
    if (version, variant) not in VARIANTS:
        known = sorted(v for (ver, v) in VARIANTS if ver == version)
        raise UnknownFormatError(f"format {version} has no variant {variant!r}; available: {known}")
    return _variant(version, variant)


def format_version_for_year(year: int) -> str:
    """Report year ≤ 2020 → "2019"; ≥ 2021 → "2021" (spec §5)."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    if year < FIRST_YEAR:
        raise ValueError(f"no report format for {year}: the first format applies to reports on {FIRST_YEAR}")
    return fmt2019.VERSION if year < FIRST_YEAR_OF_2021_FORMAT else fmt2021.VERSION
