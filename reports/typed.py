"""What a person typed, checked before it is stored.

Characters that no database or workbook can hold are removed, and the person is told so; a text
longer than its limit is refused with the limit named, never cut. The page shows the same limits.
"""

import re

TEXT_LIMIT = 20000  # characters in one text part; the page's counter shows it
CELL_LIMIT = 100  # characters of a cell kept as typed when it cannot be read as a number
EXPLANATION_LIMIT = 2000  # characters in one 预警说明

# C0 controls but tab and line feed, DEL, and lone surrogates (a JSON body can carry "\ud800"):
# PostgreSQL refuses NUL, an XLSX file refuses the others, and none of them can be seen on a page.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def without_control_characters(text: str) -> tuple[str, int]:
    """(the text with line breaks as "\\n" and control characters removed, how many were removed)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.subn("", text)


def removed_message(count: int) -> str:
    return f"已删除 {count} 个无法保存的控制字符（例如从其他软件粘贴带入的空字符），其余内容不变。"


def too_long_message(label: str, length: int, limit: int) -> str:
    return (f"“{label}”最多 {limit} 字，现有 {length} 字，这一项没有保存。"
            "请删减后再保存，您输入的内容仍在本页。")


def cell_too_long_message(length: int) -> str:
    return f"单元格最多 {CELL_LIMIT} 个字符，现有 {length} 个，这一格没有保存。"
