"""Path converters that refuse what no row can match, so that a mistyped or forged URL is a 404
and never reaches the database (a 20-digit id overflows SQLite's integers; a NUL in a code is
refused by PostgreSQL with an error)."""

from django.urls import register_converter
from django.urls.converters import IntConverter, StringConverter


class IdConverter(IntConverter):
    """A primary key: at most 18 digits, which fits a 64-bit integer on every database."""

    regex = "[0-9]{1,18}"


class CodeConverter(StringConverter):
    """A code typed by an administrator (a body's 单位代码): the characters its form allows."""

    regex = "[A-Za-z0-9_.-]{1,32}"


register_converter(IdConverter, "id")
register_converter(CodeConverter, "code")
