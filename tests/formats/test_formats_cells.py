"""Parsing and formatting of cell values."""

from decimal import Decimal

import pytest

from reports.formats import CellType
from reports.formats.cells import CellValueError, format_cell, from_json_value, parse_cell, to_json_value

COUNT, SIGNED, MONEY = CellType.COUNT, CellType.SIGNED, CellType.MONEY

# (type, typed text, value or the Chinese error message)
PARSE_CASES = [
    (COUNT, "", None),
    (COUNT, "   ", None),
    (COUNT, "\u3000", None),
    (COUNT, "0", 0),
    (COUNT, "12", 12),
    (COUNT, " 12 ", 12),
    (COUNT, "１２", 12),
    (COUNT, "\u3000５\u3000", 5),
    (COUNT, "1,234", 1234),
    (COUNT, "１，２３４", 1234),
    (COUNT, "1,234,567", 1234567),
    (COUNT, "+5", 5),
    (COUNT, "-0", 0),
    (COUNT, "007", 7),
    (COUNT, "5.", 5),
    (COUNT, "5.00", 5),
    (COUNT, "1000000000", 10**9),
    (COUNT, "-3", "不能为负数"),
    (COUNT, "−3", "不能为负数"),
    (COUNT, "1.5", "请输入整数"),
    (COUNT, "abc", "请输入整数"),
    (COUNT, "1,23", "请输入整数"),
    (COUNT, "12,3456", "请输入整数"),
    (COUNT, "1e3", "请输入整数"),
    (COUNT, "+", "请输入整数"),
    (COUNT, ".", "请输入整数"),
    (COUNT, "5件", "请输入整数"),
    (COUNT, "1000000001", "数值过大"),
    (COUNT, "9" * 40, "数值过大"),
    (SIGNED, "+337", 337),
    (SIGNED, "＋337", 337),
    (SIGNED, "-5", -5),
    (SIGNED, "−5", -5),
    (SIGNED, "－5", -5),
    (SIGNED, "- 5", -5),
    (SIGNED, "0", 0),
    (SIGNED, "-0", 0),
    (SIGNED, "-1,000", -1000),
    (SIGNED, "-1000000000", -(10**9)),
    (SIGNED, "-1000000001", "数值过大"),
    (SIGNED, "+-5", "请输入整数"),
    (SIGNED, "2.5", "请输入整数"),
    (MONEY, "0.5", Decimal("0.5")),
    (MONEY, ".5", Decimal("0.5")),
    (MONEY, "132.6444", Decimal("132.6444")),
    (MONEY, "25.10", Decimal("25.10")),
    (MONEY, "1.23450", Decimal("1.2345")),
    (MONEY, "１２．５", Decimal("12.5")),
    (MONEY, "1,234.5", Decimal("1234.5")),
    (MONEY, "59237.2449", Decimal("59237.2449")),
    (MONEY, "0", Decimal(0)),
    (MONEY, "-0.00", Decimal("0.00")),
    (MONEY, "10000000000", Decimal(10**10)),
    (MONEY, "1.23456", "最多保留四位小数"),
    (MONEY, "-1", "不能为负数"),
    (MONEY, "abc", "请输入数字"),
    (MONEY, "1.2.3", "请输入数字"),
    (MONEY, "10000000000.0001", "数值过大"),
    # A space between digits is one number or two: refused, never joined (12 34 is not 1234).
    (COUNT, "12 34", "数字中间不能有空格，请删去空格或分开填写"),
    (COUNT, "1 234", "数字中间不能有空格，请删去空格或分开填写"),
    (COUNT, "１２\u3000３４", "数字中间不能有空格，请删去空格或分开填写"),
    (COUNT, "1,234 ", 1234),
    (MONEY, "12 .5", "数字中间不能有空格，请删去空格或分开填写"),
    (SIGNED, "-1 000", "数字中间不能有空格，请删去空格或分开填写"),
    (COUNT, "12\u200b34", 1234),  # an invisible zero-width space is not a space the person typed
    (COUNT, "12 3a", "请输入整数"),  # not a number at all: that message comes first
]


@pytest.mark.parametrize("cell_type, raw, expected", PARSE_CASES)
def test_parse_cell(cell_type, raw, expected):
    if isinstance(expected, str):
        with pytest.raises(CellValueError) as excinfo:
            parse_cell(cell_type, raw)
        assert str(excinfo.value) == expected
    else:
        value = parse_cell(cell_type, raw)
        assert value == expected and type(value) is type(expected)
        if isinstance(expected, Decimal):
            assert str(value) == str(expected)  # places kept as typed (up to four)


def test_parse_none_is_empty():
    assert parse_cell(COUNT, None) is None


@pytest.mark.parametrize(
    "cell_type, value, text",
    [
        (SIGNED, 337, "+337"),
        (SIGNED, -5, "-5"),
        (SIGNED, 0, "0"),
        (SIGNED, None, ""),
        (COUNT, 12, "12"),
        (COUNT, 0, "0"),
        (COUNT, None, ""),
        (MONEY, Decimal("132.6444"), "132.6444"),
        (MONEY, Decimal("25.10"), "25.1"),
        (MONEY, Decimal(100), "100"),
        (MONEY, Decimal("1E+2"), "100"),
        (MONEY, Decimal("0.0000"), "0"),
        (MONEY, Decimal("-0.0"), "0"),
        (MONEY, Decimal("12.5000"), "12.5"),
        (MONEY, None, ""),
    ],
)
def test_format_cell(cell_type, value, text):
    assert format_cell(cell_type, value) == text


@pytest.mark.parametrize(
    "cell_type, value, json_value",
    [
        (COUNT, 5, 5),
        (SIGNED, 337, 337),
        (SIGNED, -5, -5),
        (MONEY, Decimal("25.10"), "25.1"),
        (MONEY, Decimal("132.6444"), "132.6444"),
        (COUNT, None, None),
        (MONEY, None, None),
    ],
)
def test_json_round_trip(cell_type, value, json_value):
    assert to_json_value(cell_type, value) == json_value
    assert from_json_value(cell_type, json_value) == value


@pytest.mark.parametrize(
    "cell_type, json_value, message",
    [
        (COUNT, True, "请输入数字"),
        (COUNT, -1, "不能为负数"),
        # Stored money may carry the six places of a published amount (imported history), not more.
        (MONEY, "1.2345678", "万元金额最多六位小数"),
        (COUNT, [1], "请输入数字"),
    ],
)
def test_from_json_value_checks_like_typed_input(cell_type, json_value, message):
    with pytest.raises(CellValueError, match=message):
        from_json_value(cell_type, json_value)


def test_round_trip_of_every_accepted_input():
    """What parse_cell accepts, format_cell prints and parse_cell reads back to the same value."""
    for cell_type, raw, expected in PARSE_CASES:
        if not isinstance(expected, str) and expected is not None:
            assert parse_cell(cell_type, format_cell(cell_type, parse_cell(cell_type, raw))) == expected


@pytest.mark.parametrize("cell_type", [COUNT, SIGNED, MONEY])
@pytest.mark.parametrize("stored", [0, 1, 337, 10**9, 10**9 + 1, -1, -(10**9), -(10**9) - 1])
def test_stored_integers_read_as_typed_text_would(cell_type, stored):
    """from_json_value's shortcut for stored integers gives what parse_cell gives for their text:
    the same value, or the same refusal (too large, negative where no sign is allowed)."""
    try:
        expected = parse_cell(cell_type, str(stored), places=6)
    except CellValueError as error:
        with pytest.raises(CellValueError, match=error.args[0]):
            from_json_value(cell_type, stored)
    else:
        got = from_json_value(cell_type, stored)
        assert got == expected and type(got) is type(expected)
