"""A member of the public, in Chromium: finds a report, reads it, downloads its PDF; axe-core finds
no accessibility violation on the portal's pages."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"


def _axe_violations(page):
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
    }""")
    return result


def test_a_member_of_the_public_finds_reads_and_downloads_a_report(page, live_server, portal_year, tmp_path):
    year, published, draft = portal_year
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="2025年度政府信息公开工作年度报告")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(draft.body_name))).to_contain_text("未发布")

    page.get_by_label("单位名称或全文").fill("东花市")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#result-summary")).to_contain_text("共 1 个单位")
    page.get_by_role("link", name=published.body_name).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(published.title)
    expect(page.get_by_role("heading", name="三、收到和处理政府信息公开申请情况")).to_be_visible()
    expect(page.locator("table.stats-table").first).to_be_visible()
    pdf = published.pdf_versions.get()
    expect(page.locator("#downloads-heading").locator("..")).to_contain_text(f"{pdf.page_count}页")
    expect(page.locator("#imported-note")).to_have_count(0)  # published here, not imported history

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 PDF").click()
    download = info.value
    assert download.suggested_filename == f"{published.body_name}2025年政府信息公开工作年度报告.pdf"
    target = tmp_path / "downloaded.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size == pdf.size


def test_a_member_of_the_public_searches_a_chinese_phrase_and_sees_it_in_context(page, live_server, portal_year):
    _, published, draft = portal_year
    page.goto(live_server.url + "/")
    page.get_by_label("单位名称或全文").fill("检索词甲乙丙")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#result-summary")).to_contain_text("共 1 个单位")
    expect(page.locator("#result-summary")).to_contain_text("“检索词甲乙丙”的查找结果")
    row = page.get_by_role("row", name=re.compile(published.body_name))
    expect(row.locator(".search-snippet mark")).to_have_text("检索词甲乙丙")
    expect(row.locator(".search-snippet")).to_contain_text("公开全文检索词甲乙丙")
    expect(page.get_by_role("row", name=re.compile(draft.body_name))).to_have_count(0)

    page.get_by_label("单位名称或全文").fill("values")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#result-summary")).to_contain_text("共 0 个单位")
    expect(page.locator("#report-list")).to_contain_text("没有找到报告。")

    page.get_by_label("单位名称或全文").fill("甲乙丙")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name=published.body_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(published.title)


def test_axe_finds_no_accessibility_violation_on_the_portal(page, live_server, portal_year):
    year, published, draft = portal_year
    for path in ("/", f"/portal/reports/{published.pk}/", "/portal/archive/", "/portal/?q=不存在的单位",
                 "/portal/?q=甲乙丙"):
        page.goto(live_server.url + path)
        assert _axe_violations(page) == [], path
