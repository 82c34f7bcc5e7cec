"""Path converters that refuse what no row can match, so that a mistyped or forged URL is a 404 and
never reaches the database.

Django's `<int:…>` accepts any number of digits, and a 20-digit id then fails inside the database
driver (OverflowError on SQLite, a range error on PostgreSQL); a NUL in a code is refused by
PostgreSQL with an error. These converters refuse at the URL: a value out of range does not match.
Registered here, on import, so that every urls module that uses them only needs to import this one.
"""

from django.urls import register_converter
from django.urls.converters import StringConverter


class IdConverter:
    """A primary key or a version number: 1 to the largest bigint."""

    regex = "[0-9]{1,19}"
    maximum = 2**63 - 1

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= self.maximum:
            raise ValueError(f"{value} is out of range")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


class YearConverter:
    """A reporting year: four digits."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class CodeConverter(StringConverter):
    """A code typed by an administrator (a body's 单位代码): the characters its form allows."""

    regex = "[A-Za-z0-9_.-]{1,32}"


register_converter(IdConverter, "id")
register_converter(YearConverter, "year")
register_converter(CodeConverter, "code")
