"""Every page a person reaches carries each `id` once, and only a <form> carries `action`.

The pages are the ones the crawl of tests/test_crawl_forms.py reaches as each role (the public portal,
填报人 with the pages of filling in a report, 部门负责人, 主管主任, 区管理员 and 市管理员 with their staff
forms), read as the server sends them. A repeated id makes `#id`, `<label for>`, `aria-describedby` and
the browser's own form lookups pick the first of them; crispy-forms once copied a form's id and action
onto the wrapper of each group of checkboxes or radio buttons (the 接口令牌 page had
#api-token-create-form twice).
"""

from collections import Counter
from datetime import timedelta

import lxml.html
import pytest
from crispy_forms.utils import render_crispy_form
from django import forms
from django.utils import timezone

from api.models import Scope
from api.services import api_token_create
from config.forms import ActionForm
from tests.city.conftest import city  # noqa: F401  (a fixture: 北京市 with its 市管理员)
from tests.test_crawl_forms import ROLES, _crawl, world  # noqa: F401  (world is a fixture)

pytestmark = pytest.mark.django_db

CITY_ROLES = ["city_admin", "xi_admin"]


def issue(districts, by):
    """A token the person can revoke: its row on 接口令牌 carries a revoke form of its own."""
    api_token_create(districts=districts, name="市公开办", scopes=[Scope.READ],
                     expires_at=timezone.now() + timedelta(days=30), by=by)


def id_problems(path: str, html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    problems = []
    ids = Counter(element.get("id") for element in doc.xpath("//*[@id]"))
    for value, count in sorted(ids.items()):
        if not value or not value.strip():
            problems.append(f"{path}: {count} element(s) with an empty id")
        elif count > 1:
            tags = sorted({e.tag for e in doc.xpath("//*[@id=$v]", v=value)})
            problems.append(f"{path}: id “{value}” on {count} elements ({', '.join(tags)})")
    for element in doc.xpath("//*[@action][not(self::form)]"):
        problems.append(f"{path}: <{element.tag} action=“{element.get('action')}”> outside a <form>")
    return problems


def crawled_pages(client, user, also=()) -> list[tuple[str, str]]:
    """The pages the crawl reaches as this person, and `also`: pages no link leads to (a search's results)."""
    crawl = _crawl(client, user, send=False, pages=[])
    assert crawl.pages, "the crawl read no page"
    for path in also:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        crawl.pages.append((path, response.content.decode()))
    return crawl.pages


def assert_unique_ids(pages, expected_paths):
    problems = [problem for path, html in pages for problem in id_problems(path, html)]
    assert not problems, "\n".join(problems)
    paths = {path for path, _ in pages}
    missing = [p for p in expected_paths if not any(path.startswith(p) for path in paths)]
    assert not missing, f"the crawl did not reach {missing}: {sorted(paths)}"


def test_the_check_finds_a_repeated_id_and_a_stray_action():
    html = ('<html><body><form id="f" action="/x/"><div id="f" action="/x/"></div><p id="a"></p>'
            '<p id=""></p></form></body></html>')
    assert id_problems("/p/", html) == ["/p/: 1 element(s) with an empty id",
                                        "/p/: id “f” on 2 elements (div, form)",
                                        "/p/: <div action=“/x/”> outside a <form>"]
    assert id_problems("/p/", '<form id="f" action="/x/"><div id="g"></div></form>') == []


class Choices(ActionForm):
    districts = forms.MultipleChoiceField(choices=[("a", "东城"), ("b", "西城")], widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(choices=[("r", "读取"), ("w", "写入")], widget=forms.RadioSelect)


def test_a_staff_form_carries_its_id_and_action_on_the_form_alone():
    """Checkbox and radio groups (crispy's radio_checkbox_select.html) get none of the form's attributes,
    and the button is named after the form, so that two forms on one page never share an id."""
    html = "".join(render_crispy_form(Choices(action="/x/", form_id=f"row-{n}")) for n in (1, 2))
    assert id_problems("/p/", html) == []
    doc = lxml.html.fromstring(f"<div>{html}</div>")
    assert [(f.get("id"), f.get("action")) for f in doc.xpath("//*[@action]")] == [("row-1", "/x/"), ("row-2", "/x/")]
    assert doc.xpath("//input[@type='submit']/@id") == ["row-1-submit", "row-2-submit"]
    assert len(doc.xpath("//input[@type='checkbox' or @type='radio']")) == 8


def test_a_staff_form_without_an_id_is_refused():
    with pytest.raises(ValueError, match="form_id"):
        Choices(action="/x/")


@pytest.mark.parametrize("role", ROLES)
def test_no_page_repeats_an_id_or_puts_action_outside_a_form(client, world, role):  # noqa: F811
    user = None if role == "anonymous" else getattr(world, role)
    if role == "admin":
        for _ in range(2):
            issue([world.district], world.admin)
    expected = {
        "anonymous": ["/portal/reports/", "/portal/archive/"],
        "filler": ["/workspace/", "/reports/"],
        "head": ["/review/"],
        "director": ["/review/"],
        "admin": ["/manage/bodies/", "/manage/people/", "/district/years/", "/manage/api-tokens/"],
    }[role]
    also = ["/portal/?q=东花市", "/portal/?q=不存在的单位", "/portal/?year=2025"] if role == "anonymous" else []
    assert_unique_ids(crawled_pages(client, user, also), expected)


@pytest.mark.parametrize("role", CITY_ROLES)
def test_no_page_of_a_city_or_its_district_repeats_an_id(client, city, role):  # noqa: F811
    """The 市管理员's pages (全市, 接口令牌 with its districts' checkboxes) and a 区管理员's of the same city."""
    for _ in range(2):
        issue([city["dongcheng"], city["xicheng"]], city["city_admin"])
        issue([city["xicheng"]], city["xi_admin"])
    expected = {"city_admin": ["/city/", "/manage/api-tokens/"], "xi_admin": ["/manage/people/", "/manage/api-tokens/"]}[role]
    assert_unique_ids(crawled_pages(client, city[role]), expected)
