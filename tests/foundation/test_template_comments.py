"""Django's {# … #} comment ends on its own line: one spread over lines is printed as text (it was, at the
top of every published report's page and PDF). Longer comments use {% comment %}."""

from pathlib import Path

from django.conf import settings

SUFFIXES = {".html", ".txt", ".xml", ".svg"}


def _templates():
    roots = [Path(d) for conf in settings.TEMPLATES for d in conf.get("DIRS", [])]
    roots += [Path(settings.BASE_DIR) / app for app in ("agencies", "reports", "portal", "config")]
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in SUFFIXES and "templates" in path.parts and path.is_file():
                yield path


def test_no_template_comment_spans_lines():
    spread = []
    checked = 0
    for path in _templates():
        checked += 1
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rest = line
            while "{#" in rest:
                rest = rest[rest.index("{#") + 2:]
                if "#}" not in rest:
                    spread.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
                    break
                rest = rest[rest.index("#}") + 2:]
    assert checked > 50
    assert spread == []
