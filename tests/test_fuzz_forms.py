"""Hostile text in every field of every form never gives a 5xx (issue 11, item 6).

The forms are the ones the crawl of tests/test_crawl_forms.py finds as each role, sent as rendered
but with some of their fields replaced by what hypothesis draws: NUL and other control characters,
lone surrogates (sent as the invalid UTF-8 a browser could never produce), right-to-left marks,
20-digit numbers, 200 KB of text. Each sending is rolled back. A person's own mistake is answered
with a message (2xx, 3xx or 4xx), never with a server error.
"""

from urllib.parse import quote_plus

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_crawl_forms import ROLES, _crawl, _match, world  # noqa: F401  (world is a fixture)

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(st.characters(codec=None), max_size=40),  # any code point, surrogates included
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Co"]), min_size=1, max_size=10),
    st.sampled_from(["\x00", "a\x00b", "\u202e名称", "\u200f\u200e", "\ud800", "1" * 20, "-1", "12 34", "=1+1",
                     "0x10", "NaN", "1e400", "２０２５", "../../etc/passwd", "<script>x</script>"]),
    st.builds(lambda unit, times: unit * times, st.text(min_size=1, max_size=4), st.integers(1000, 50_000)),
)

_forms: dict = {}


def _forms_of(client, people, role):
    """Each distinct form the crawl found as this role, once per test."""
    key = (role, people.district.pk)
    if key not in _forms:
        user = None if role == "anonymous" else getattr(people, role)
        crawl = _crawl(client, user, send=False, per_route_limit=6)
        distinct = {}
        for method, action, data in crawl.found:
            route = _match(action)
            distinct.setdefault((method, route.view_name if route else action, tuple(sorted({k for k, _ in data}))),
                                (method, action, data))
        _forms[key] = (crawl, list(distinct.values()))
    return _forms[key]


def _encoded(pairs) -> bytes:
    """The form body as bytes: lone surrogates become the invalid UTF-8 a forged request can send."""
    return "&".join(
        f"{quote_plus(str(k))}={quote_plus(str(v).encode('utf-8', 'surrogatepass'))}" for k, v in pairs
    ).encode("ascii")


@pytest.mark.parametrize("role", ROLES)
@settings(max_examples=4, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_text_in_any_field_of_any_form_is_never_a_server_error(client, world, role, data):  # noqa: F811
    crawl, forms = _forms_of(client, world, role)
    assert forms, "the crawl found no form"
    failures = []
    for method, action, rendered in forms:
        names = sorted({k for k, _ in rendered if k != "csrfmiddlewaretoken"})
        if not names:
            continue
        hostile = data.draw(st.sets(st.sampled_from(names), min_size=1), label=f"fields of {action}")
        pairs = [(k, data.draw(HOSTILE, label=k) if k in hostile else v) for k, v in rendered]
        try:
            status = _sent(crawl, method, action, _encoded(pairs)).status_code
        except Exception as error:  # the test client re-raises what the view raised
            failures.append(f"{method} {action} with {sorted(hostile)}: {type(error).__name__}: {error}"[:500])
            continue
        if status >= 500:
            failures.append(f"{method} {action} with {sorted(hostile)}: {status}")
    assert not failures, "\n".join(failures)


def _sent(crawl, method: str, path: str, body: bytes):
    """Like Crawl.sent, with the data already encoded (in the query string for a GET)."""
    with transaction.atomic():
        if method == "GET":
            response = crawl.client.get(f"{path.split('?')[0]}?{body.decode('ascii')}")
        else:
            response = crawl.client.generic(method, path, body, content_type="application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    crawl.login()
    return response
