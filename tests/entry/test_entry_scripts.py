"""The section page's script is split along its concerns (static/js/entry-*.js: live rules and
counts, the browser draft, the autosave, an expired sign-in), each part a factory in
window.NianbaoEntryParts that entry.js calls before it marks the page ready. The page must load every
part, and load it before entry.js; no browser script grows past the ~400-line limit."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.report_factories import AnnualReportFactory

JS = Path(__file__).resolve().parents[2] / "static" / "js"


def test_browser_scripts_stay_under_the_module_limit():
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in JS.glob("*.js")}
    assert "entry.js" in sizes and "rules.js" in sizes
    assert {name: n for name, n in sizes.items() if n > 400} == {}


def installed_parts() -> dict[str, str]:
    """part name -> the file that installs it (`parts.NAME = function (page)`)."""
    found = {}
    for path in JS.glob("entry-*.js"):
        for name in re.findall(r"^  parts\.(\w+) = function \(page\)", path.read_text(encoding="utf-8"), re.M):
            found[name] = path.name
    return found


@pytest.mark.django_db
def test_the_section_page_loads_every_part_before_the_script_that_wires_them(people):
    report = AnnualReportFactory(body=people.body, reporting_year__district=people.district,
                                 reporting_year__year=2025)
    client = Client()
    client.force_login(people.filler)
    html = client.get(reverse("reports:section", args=[report.pk, "s3"])).content.decode()
    loaded = re.findall(r'<script src="/static/js/([\w-]+\.js)"', html)

    called = re.findall(r"^  parts\.(\w+)\(page\);", (JS / "entry.js").read_text(encoding="utf-8"), re.M)
    parts = installed_parts()
    assert sorted(called) == sorted(parts) and len(called) == 4, (called, parts)
    page_scripts = loaded[loaded.index("rules.js"):]  # after the site's own (base.html)
    assert page_scripts[:2] == ["rules.js", "grid.js"] and page_scripts[-1] == "entry.js", loaded
    assert sorted(page_scripts[2:-1]) == sorted(set(parts.values())), loaded
