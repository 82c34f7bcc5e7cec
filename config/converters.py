"""Path converters for numbers in URLs that reach the database.

Django's `<int:…>` accepts any number of digits, and a 20-digit id then fails inside the database
driver (OverflowError on SQLite, a range error on PostgreSQL) instead of answering 404. These
converters refuse at the URL: a value out of range does not match, so the answer is 404.
"""


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
