"""The API's documentation page: Swagger UI drawn from files served here, every request to this site."""

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_loads_everything_from_this_site(page, live_server):
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{live_server.url}/api/v1/docs/")
    # Swagger UI read the schema and drew every endpoint, grouped by tag.
    page.get_by_role("heading", name="年报数据接口").first.wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/reports/{id}/values/").wait_for()
    assert page.locator(".opblock-get").count() == 9
    assert page.locator(".opblock-summary-path", has_text="/api/v1/city-summaries/{city}/{year}/").count() == 1
    page.locator(".opblock-summary-path", has_text="/api/v1/districts/").click()
    page.get_by_text("令牌可读取的区").first.wait_for()
    page.wait_for_load_state("networkidle")
    host = urlsplit(live_server.url).netloc
    assert requests and all(urlsplit(url).netloc == host for url in requests if not url.startswith("data:")), requests
    assert any(url.endswith("swagger-ui-bundle.js") for url in requests)
    assert any("/api/v1/schema/" in url for url in requests)
    assert problems == []
