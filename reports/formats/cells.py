"""Parsing and formatting of cell values, shared with static/js/rules.js.

People type numbers the way they see them in Word: full-width digits, "1,234", "+337", "−5".
The normalisation, the number pattern, the limits and the error messages are exported in
`format_json()["parse"]` so that the browser parses exactly like the server.

Python values: COUNT and SIGNED are int, MONEY is Decimal (万元); an empty cell is None.
JSON values (spec §7): ints as JSON ints, money as a decimal string such as "132.6444".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from .base import CellType

MAX_INTEGER = 10**9  # COUNT and SIGNED: |value| above this is a typing slip
MAX_MONEY = 10**10  # 万元
MONEY_PLACES = 4
# A published amount keeps the places it was printed with: 万元 to six places is a sum in 元 to the fen.
PUBLISHED_MONEY_PLACES = 6

MESSAGES = {
    "not_integer": "请输入整数",
    "not_number": "请输入数字",
    "negative": "不能为负数",
    "too_many_places": "最多保留四位小数",
    "too_many_published_places": "万元金额最多六位小数（精确到分）",
    "too_large": "数值过大",
    "inner_space": "数字中间不能有空格，请删去空格或分开填写",
}

# Applied after mapping full-width forms (U+FF01..U+FF5E) to ASCII, U+3000 to a space and
# U+2212 (−) to "-". Both patterns are written so that Python's re and JavaScript agree.
WHITESPACE_PATTERN = r"[\s\u200b\ufeff]+"
NUMBER_PATTERN = r"([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.([0-9]*))?"
# A space between digits ("12 34") could be one number or two: refused rather than guessed.
# Checked on the mapped text after the invisible characters are removed; a space after the sign
# ("- 5") or around the number is harmless.
INVISIBLE_PATTERN = r"[\u200b\ufeff]"
INNER_SPACE_PATTERN = r"[0-9.,]\s+[0-9.,]"

_WHITESPACE = re.compile(WHITESPACE_PATTERN)
_NUMBER = re.compile(NUMBER_PATTERN)
_INVISIBLE = re.compile(INVISIBLE_PATTERN)
_INNER_SPACE = re.compile(INNER_SPACE_PATTERN)


class CellValueError(ValueError):
    """A cell's text is not an acceptable value; str(error) is the Chinese message for the user."""


def _map_forms(raw: str) -> str:
    chars = []
    for ch in raw:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif code == 0x3000:
            ch = " "
        elif code == 0x2212:
            ch = "-"
        chars.append(ch)
    return "".join(chars)


def normalise(raw: str) -> str:
    """Full-width forms mapped to ASCII, every space removed (for comparing printed labels too)."""
    return _WHITESPACE.sub("", _map_forms(raw))


def parse_cell(cell_type: CellType, raw: str | None, *, places: int = MONEY_PLACES) -> int | Decimal | None:
    """The value typed into a cell, or None when it is empty; raises CellValueError.

    `places`: decimals of money accepted (typed: four; published and stored: up to six)."""
    if raw is None:
        return None
    mapped = _map_forms(str(raw))
    text = _WHITESPACE.sub("", mapped)
    if not text:
        return None
    integer = cell_type is not CellType.MONEY
    match = _NUMBER.fullmatch(text)
    if not match or not (match[2] or match[3]):
        raise CellValueError(MESSAGES["not_integer" if integer else "not_number"])
    sign, whole, fraction = match[1], match[2].replace(",", "") or "0", match[3] or ""
    significant = fraction.rstrip("0")
    if integer and significant:
        raise CellValueError(MESSAGES["not_integer"])
    if len(significant) > places:
        raise CellValueError(MESSAGES["too_many_places" if places == MONEY_PLACES else "too_many_published_places"])
    negative = sign == "-" and bool(whole.strip("0") or significant)
    if negative and cell_type is not CellType.SIGNED:
        raise CellValueError(MESSAGES["negative"])
    if len(whole.lstrip("0")) > 15:  # far past any limit; keeps int() and JS Numbers exact
        raise CellValueError(MESSAGES["too_large"])
    if integer:
        value: int | Decimal = int(whole)
        limit = MAX_INTEGER
    else:
        kept = fraction[:places]
        value = Decimal(f"{whole}.{kept}" if kept else whole)
        limit = MAX_MONEY
    if value > limit:
        raise CellValueError(MESSAGES["too_large"])
    if _INNER_SPACE.search(_INVISIBLE.sub("", mapped)):
        raise CellValueError(MESSAGES["inner_space"])
    return -value if negative else value


def format_cell(cell_type: CellType, value) -> str:
    """Display text: "+337" for a positive SIGNED value, money without trailing zeros."""
    if value is None:
        return ""
    if cell_type is CellType.MONEY:
        text = format(Decimal(value), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    value = int(value)
    if cell_type is CellType.SIGNED and value > 0:
        return f"+{value}"
    return str(value)


def to_json_value(cell_type: CellType, value):
    if value is None:
        return None
    if cell_type is CellType.MONEY:
        return format_cell(cell_type, value)
    return int(value)


def from_json_value(cell_type: CellType, value):
    """Read a stored JSON value back, checking it like typed input (bool is not a number); money may
    carry the six places of a published amount (imported history)."""
    if value is None:
        return None
    if type(value) is int and cell_type is not CellType.MONEY and 0 <= value <= MAX_INTEGER:
        return value  # what parse_cell gives for its repr, without the text (most stored cells)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise CellValueError(MESSAGES["not_number"])
    return parse_cell(cell_type, value if isinstance(value, str) else repr(value), places=PUBLISHED_MONEY_PLACES)


def parse_spec() -> dict:
    """What the browser needs to parse cells exactly like parse_cell."""
    return {
        "messages": dict(MESSAGES),
        "whitespace_pattern": WHITESPACE_PATTERN,
        "number_pattern": NUMBER_PATTERN,
        "invisible_pattern": INVISIBLE_PATTERN,
        "inner_space_pattern": INNER_SPACE_PATTERN,
        "max_integer": MAX_INTEGER,
        "max_money": MAX_MONEY,
        "money_places": MONEY_PLACES,
    }


def validate_values(fmt, raw: Mapping[str, str]) -> tuple[dict, dict[str, str]]:
    """Parse a posted form: (values for every cell of fmt, {cell id: message}); unknown keys are ignored."""
    values: dict = {}
    errors: dict[str, str] = {}
    for cell_id, cell in fmt.cells().items():
        try:
            values[cell_id] = parse_cell(cell.type, raw.get(cell_id))
        except CellValueError as error:
            values[cell_id] = None
            errors[cell_id] = str(error)
    return values, errors
