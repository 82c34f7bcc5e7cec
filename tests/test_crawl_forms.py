"""Every form, as rendered, reaches a view that handles it (issue 10).

For each role (the public, 填报人, 部门负责人, 主管主任, 区管理员) the test signs in, starts from the
pages the header links to, and follows the links of each page to three clicks deep (a body's page, a
person's page, a report's pages and sections). On every page it reads each <form> (and each button
with its own formaction, and each htmx request) as the browser would send it:

- its action must resolve to a view that declares the form's method (config/http.py);
- sending the form with the values it was rendered with (each submit button in turn) must not be
  answered 405 or 5xx (each sending is rolled back, so the crawl sees the same data throughout);
- and the page itself, sent a method its view does not handle, answers 405 — never 200.

Five admin forms once posted to their page's own URL, which showed the page again: a 200 with no
message and no change. Here such a form fails the first check, and the page fails the third.
"""

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.db import transaction
from django.urls import Resolver404, resolve

from config.http import undeclared_views, view_methods
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve, report_submit
from tests.factories import BodyFactory, RoleAssignmentFactory
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "admin"]
MAX_DEPTH = 3
PER_ROUTE = 3  # pages visited per URL name and role (25 bodies' pages show the same forms)
SKIPPED_SUFFIXES = (".pdf", ".docx", ".png", ".svg", ".xlsx", ".csv", ".json", ".atom", ".xml")  # downloads: no forms to read
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/support/")


@pytest.fixture
def world(people):
    """One report in each state of the workflow, each held by the same filler, head and director."""
    year = ReportingYearFactory(district=people.district, year=2025)
    bodies = [people.body]
    for index, name in enumerate(["待审街道办事处", "待批街道办事处", "已批街道办事处", "已发布街道办事处"]):
        body = BodyFactory(code=f"crawl{index}", name=name, district=people.district)
        for user, role in ((people.filler, "filler"), (people.head, "dept_head"), (people.director, "director")):
            RoleAssignmentFactory(user=user, role=role, body=body)
        bodies.append(body)
    AnnualReportFactory(reporting_year=year, body=people.body, filled=True)
    AnnualReportFactory(reporting_year=year, body=people.other_body)
    pending_head, pending_director, approved = (
        AnnualReportFactory(reporting_year=year, body=body, filled=True) for body in bodies[1:4])
    for report in (pending_head, pending_director, approved):
        report_submit(report=report, by=people.filler)
    for report in (pending_director, approved):
        report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    report_approve(report=approved, by=people.director, comment="同意。", confirmed=ALL_POINTS)
    AnnualReportFactory(reporting_year=year, body=bodies[4], published=True)
    return people


@dataclass
class Crawl:
    client: object
    user: object
    problems: list = field(default_factory=list)
    seen: set = field(default_factory=set)
    per_route: Counter = field(default_factory=Counter)
    forms: int = 0
    found: list = field(default_factory=list)  # (method, action, data as rendered) of every form
    send: bool = True  # False: only read the forms (tests/test_fuzz_forms.py sends them its own way)
    per_route_limit: int = PER_ROUTE
    pages: list | None = None  # a list: (path, html) of every page read is kept in it (tests/layout/test_unique_ids.py)

    def login(self):
        if self.user is not None:
            self.client.force_login(self.user)

    def sent(self, method: str, path: str, pairs=()):
        """A request whose effects are rolled back; the person is signed in again afterwards."""
        data: dict[str, list[str]] = {}
        for key, value in pairs:
            data.setdefault(key, []).append(value)
        with transaction.atomic():
            response = self.client.generic(method, path) if method not in ("GET", "POST") else (
                self.client.get(path, data) if method == "GET" else self.client.post(path, data))
            transaction.set_rollback(True)
        self.login()
        return response


def _internal(href: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _match(path: str):
    try:
        return resolve(urlsplit(path).path)
    except Resolver404:
        return None


def _submissions(form, page_path: str):
    """(method, action, data, what) for each way the form can be sent: each submit button (its own
    formaction/formmethod too), or the form as a whole when it has no button."""
    method = (form.get("method") or "get").upper()
    action = form.get("action") or page_path
    data = [(k, v) for k, v in form.form_values()]
    buttons = [b for b in form.xpath(".//button | .//input[@type='submit']")
               if (b.get("type") or "submit").lower() == "submit"]
    if not buttons:
        yield method, action, data, "(no button)"
        return
    for button in buttons:
        extra = [(button.get("name"), button.get("value") or "")] if button.get("name") else []
        label = (button.text_content() or button.get("value") or "").strip()
        yield ((button.get("formmethod") or method).upper(), button.get("formaction") or action, data + extra,
               label)


def _check_page(crawl: Crawl, path: str, html: str, match) -> list[str]:
    doc = lxml.html.fromstring(html)
    # The page itself, sent a method its view does not handle, answers 405.
    if crawl.send and "POST" not in (view_methods(match.func) or ()):
        status = crawl.sent("POST", path).status_code
        if status != 405:
            crawl.problems.append(f"POST {path} ({match.view_name}) answered {status}, not 405")
    for form in doc.forms:
        for method, action, data, label in _submissions(form, path):
            crawl.forms += 1
            where = f"form «{label}» on {path} → {method} {action}"
            target = _match(action)
            if target is None:
                crawl.problems.append(f"{where}: no view at that address")
                continue
            methods = view_methods(target.func)
            if methods is None or method not in methods:
                crawl.problems.append(f"{where}: {target.view_name} handles {sorted(methods or [])}")
                continue
            crawl.found.append((method, action, data))
            if not crawl.send:
                continue
            status = crawl.sent(method, action, data).status_code
            if status == 405 or status >= 500:
                crawl.problems.append(f"{where}: answered {status}")
    for element in doc.xpath("//*[@hx-get or @hx-post or @hx-put or @hx-patch or @hx-delete]"):
        for method in ("get", "post", "put", "patch", "delete"):
            url = element.get(f"hx-{method}")
            if url is None:
                continue
            target = _match(url)
            if target is None or method.upper() not in (view_methods(target.func) or ()):
                crawl.problems.append(f"hx-{method} {url} on {path}: not handled")
    return [link for link in (_internal(a.get("href")) for a in doc.xpath("//a[@href]")) if link]


def _crawl(client, user, **options) -> Crawl:
    crawl = Crawl(client, user, **options)
    crawl.login()
    start = "/workspace/" if user is not None else "/"
    first = client.get(start, follow=True)
    header = lxml.html.fromstring(first.content.decode()).xpath("//header//a[@href]")
    frontier = [start, *(p for p in (_internal(a.get("href")) for a in header) if p)]
    for depth in range(1, MAX_DEPTH + 1):
        following = []
        for path in frontier:
            match = _match(path)
            if path in crawl.seen or match is None:
                continue
            crawl.seen.add(path)
            if crawl.per_route[match.view_name] >= crawl.per_route_limit:
                continue
            crawl.per_route[match.view_name] += 1
            response = client.get(path)
            if response.status_code >= 500:
                crawl.problems.append(f"GET {path} answered {response.status_code}")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            if crawl.pages is not None:
                crawl.pages.append((path, html))
            links = _check_page(crawl, path, html, match)
            if depth < MAX_DEPTH:
                following += links
        frontier = following
    return crawl


@pytest.mark.parametrize("role", ROLES)
def test_every_form_reaches_a_view_that_handles_it(client, world, role):
    user = None if role == "anonymous" else getattr(world, role)
    crawl = _crawl(client, user)
    assert not crawl.problems, "\n".join(crawl.problems)
    # The crawl did reach the pages it is meant to check.
    visited = set(crawl.per_route)
    expected = {
        "anonymous": {"portal:home"},
        "filler": {"workspace", "reports:list", "reports:overview", "reports:section"},
        "head": {"review:inbox", "review:report"},
        "director": {"review:inbox", "review:report"},
        "admin": {"agencies:body_list", "agencies:body_detail", "agencies:person_list", "agencies:person_detail",
                  "district:years", "district:year_open", "district:board", "agencies:security_log"},
    }[role]
    assert expected <= visited, sorted(visited)
    assert crawl.forms > 0


def test_every_view_of_the_project_declares_its_methods():
    """The same rule for views no page links to yet (config/http.py, system check nianbao.W001)."""
    assert undeclared_views() == []
