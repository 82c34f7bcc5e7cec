"""On a 390 × 844 phone, in Chromium: the portal and every page of filling in a report fit the screen (only a
table's own wrapper scrolls sideways), the navigation folds behind a toggler that works from the keyboard,
the statistics tables keep their row labels in view, and no button or 操作 column breaks inside a word."""

import re

import pytest
from playwright.sync_api import expect

from reports.selectors import ReportContent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def assert_fits(page, where):
    """The page itself never scrolls sideways: its scroll width is the viewport's."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where}: the page is {widths[0]} px wide on a {widths[1]} px screen"


def assert_one_line(locator, where):
    """The element's text sits on one line: its content box is one line-height high."""
    lines = locator.evaluate("""e => {
        const s = getComputedStyle(e);
        const content = e.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)
                        - parseFloat(s.borderTopWidth) - parseFloat(s.borderBottomWidth);
        return content / parseFloat(s.lineHeight);
    }""")
    assert lines < 1.5, f"{where}: “{locator.inner_text()}” is on {lines:.1f} lines"


def assert_on_top(page, locator, where):
    """A tap on the element's centre reaches the element, not something painted over it."""
    box = locator.bounding_box()
    hit = locator.evaluate("""(e, [x, y]) => { const hit = document.elementFromPoint(x, y);
        return e.contains(hit) ? null : `${hit.tagName}.${hit.className} ${hit.textContent.trim().slice(0, 20)}`; }""",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit is None, f"{where}: a tap on it reaches {hit}"


def open_nav_from_the_keyboard(page, toggler):
    """Tab to the toggler (skip link, brand, toggler) and open it with Enter."""
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    nav = page.locator("#" + toggler.get_attribute("aria-controls"))
    expect(nav.get_by_role("link").first).to_be_hidden()
    page.locator("body").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
    expect(toggler).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(nav).to_have_class(re.compile(r"\bcollapse show\b"))  # open, no longer sliding open
    expect(nav.get_by_role("link").first).to_be_visible()
    return nav


def assert_row_labels_stay_in_view(page, wrapper, where):
    """Scroll the table's wrapper to its right end: every row label is still on screen, not covered by the
    scrolled cells, and the labels' right edges line up (no cells show through beside them)."""
    wrapper.scroll_into_view_if_needed()
    box = wrapper.bounding_box()
    scrolled = wrapper.evaluate("w => { w.scrollLeft = w.scrollWidth; return [w.scrollLeft, w.scrollWidth, w.clientWidth]; }")
    assert scrolled[0] > 0 and scrolled[1] > scrolled[2], f"{where}: the table does not scroll inside its wrapper"
    labels = wrapper.locator("th.row-label")
    report = labels.evaluate_all("""(labels) => labels.map(l => {
        // Scroll the page only (the wrapper stays scrolled), at once: Bootstrap makes scrolling smooth.
        window.scrollBy({top: l.getBoundingClientRect().top - 120, behavior: 'instant'});
        const r = l.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 4, Math.min(r.top + r.height / 2, window.innerHeight - 200));
        return {text: l.textContent.trim(), left: r.left, right: r.right, leaf: !l.classList.contains('group-label'),
                own: hit === l || l.contains(hit), hit: hit && `${hit.tagName}.${hit.className} ${hit.textContent.slice(0, 20)}`};
    })""")
    assert report, f"{where}: no row labels"
    assert wrapper.evaluate("w => w.scrollLeft") > 0, f"{where}: the wrapper scrolled back"
    for label in report:
        assert box["x"] - 1 <= label["left"] and label["right"] <= box["x"] + box["width"] + 1, (where, label)
        assert label["own"], f"{where}: “{label['text']}” is covered by {label['hit']} after scrolling"
    rights = {round(label["right"]) for label in report if label["leaf"]}
    assert max(rights) - min(rights) <= 1, f"{where}: row labels end at {sorted(rights)}"
    return report


def test_the_portal_fits_a_phone_and_its_links_fold_behind_a_toggler(page, live_server, season):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    assert_fits(page, "首页")
    toggler = page.locator(".portal-header .navbar-toggler")
    assert toggler.get_attribute("aria-label") == "展开导航"
    nav = open_nav_from_the_keyboard(page, toggler)
    for link in ("本年度报告", "历年报告", "订阅更新"):
        assert_one_line(nav.get_by_role("link", name=link), "门户导航")
    page.keyboard.press("Enter")  # the toggler still has the focus: Enter folds the links away again
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="历年报告")).to_be_hidden()
    expect(nav).not_to_have_class(re.compile(r"\b(show|collapsing)\b"))

    toggler.click()
    nav.get_by_role("link", name="历年报告").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("历年政府信息公开工作年度报告")
    assert_fits(page, "历年报告")

    toggler.click()
    nav.get_by_role("link", name="本年度报告").click()
    page.get_by_label("报告年度").select_option("2024")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2024年度政府信息公开工作年度报告")
    assert_fits(page, "2024年度列表")
    published = season["published"]

    page.get_by_label("单位名称或全文").fill("东花市")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#result-summary")).to_contain_text("共 1 个单位")
    assert_fits(page, "查找结果")
    assert_one_line(page.get_by_role("button", name="查找"), "查找")

    page.get_by_role("link", name=published.body_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(published.title)
    assert_fits(page, "报告页")
    wrapper = page.locator("#section-s3 .stats-wrap")
    expect(wrapper).to_have_attribute("role", "region")  # a table without inputs scrolls from the keyboard
    expect(wrapper).to_have_attribute("aria-label", "三、收到和处理政府信息公开申请情况·表格")
    wrapper.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(100):  # polled from the test: a waiting function would be eval'd, which the CSP refuses
        if wrapper.evaluate("w => w.scrollLeft") > 0:
            break
        page.wait_for_timeout(50)
    assert wrapper.evaluate("w => w.scrollLeft") > 0
    assert_row_labels_stay_in_view(page, wrapper, "报告页 三")
    assert_fits(page, "报告页（表格横向滚动后）")


def test_every_page_of_filling_in_fits_a_phone(page, live_server, people, login, season):
    draft = season["draft"]
    page.set_viewport_size(PHONE)
    login(page, people.filler)
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    assert_fits(page, "工作台")

    toggler = page.locator(".app-header .navbar-toggler")
    nav = open_nav_from_the_keyboard(page, toggler)
    nav.get_by_role("link", name="年度报告").click()
    # Measured once the list has loaded: between two documents there is no documentElement to measure.
    expect(page.get_by_role("heading", level=1)).to_have_text("年度报告")
    assert_fits(page, "年度报告")
    assert_one_line(page.locator("thead th", has_text="操作").first, "年度报告 操作")
    year = page.locator("section", has=page.get_by_role("heading", name=re.compile("^2025年度")))
    assert_one_line(year.locator("tbody td").last.get_by_role("link"), "年度报告 操作")
    year.locator("tbody td").last.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(draft.title)
    assert_fits(page, "报告概览")

    for row in page.locator("#section-overview tbody tr").all():
        title = row.get_by_role("rowheader").inner_text()
        row.get_by_role("link", name="填写").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        assert_fits(page, title)
        save = page.get_by_role("button", name="保存", exact=True)
        assert_one_line(save, f"{title} 保存")
        for button in page.locator(".sticky-actions .btn").all():
            assert_one_line(button, title)
        for wrapper in page.locator(".stats-wrap").all():
            if wrapper.evaluate("w => w.scrollWidth > w.clientWidth && !!w.querySelector('th.row-label')"):
                assert_row_labels_stay_in_view(page, wrapper, title)
                assert_fits(page, f"{title}（表格横向滚动后）")
        page.get_by_role("link", name="返回概览").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(draft.title)

    page.get_by_role("link", name="预览全文").click()
    expect(page).to_have_url(re.compile(r"/preview/$"))  # its heading is the overview's
    expect(page.get_by_role("heading", level=1)).to_have_text(draft.title)
    assert_fits(page, "预览")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/reports/{draft.pk}/$"))
    page.get_by_role("link", name="上传填好的统计表").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上传填好的统计表")
    assert_fits(page, "上传统计表")
    assert_one_line(page.get_by_role("button", name="上传并预览"), "上传并预览")


def test_section_three_on_a_phone_keeps_its_labels_and_saves(page, live_server, people, login, season):
    """The walk-through's case: on section 三 the labels scrolled away and 保存 broke into 保/存."""
    draft = season["draft"]
    page.set_viewport_size(PHONE)
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/{draft.pk}/sections/s3/")
    wrapper = page.locator(".stats-wrap").first
    labels = assert_row_labels_stay_in_view(page, wrapper, "三")
    assert any(label["text"] == "1.属于国家秘密" for label in labels)

    # The table is scrolled to its right end: the first column's cells are under the labels. Reaching one
    # with Shift+Tab from the next cell scrolls it out from under them.
    page.locator('[data-cell="s3.R3_1.B"]').focus()
    wrapper.evaluate("w => w.scrollLeft = w.scrollWidth")
    page.keyboard.press("Shift+Tab")
    first = page.locator('[data-cell="s3.R3_1.A"]')
    expect(first).to_be_focused()
    label = wrapper.locator("th.row-label", has_text="（一）予以公开").bounding_box()
    cell_box = first.bounding_box()
    assert cell_box["x"] >= label["x"] + label["width"] - 1, "the focused cell is under the row labels"
    typed = ReportContent.of(draft).values["s3.R3_1.A"] + 1
    first.fill(str(typed))

    save = page.get_by_role("button", name="保存", exact=True)
    assert_one_line(save, "保存")
    # With the table's top rows on screen, its lower rows pass under the action bar at the bottom of the
    # screen: their labels stay under it.
    first.evaluate("e => window.scrollBy({top: e.getBoundingClientRect().top - 200, behavior: 'instant'})")
    assert_on_top(page, save, "保存")
    save.click()
    # Autosave may have stored it already: either message says the draft is safe.
    expect(page.locator(".messages")).to_contain_text(re.compile("已保存|内容没有变化"))
    expect(page.locator('[data-cell="s3.R3_1.A"]')).to_have_value(str(typed))
    assert ReportContent.of(draft).values["s3.R3_1.A"] == typed
    assert_fits(page, "三（保存后）")


def test_reviewers_and_administrators_pages_fit_a_phone(page, live_server, people, login, season):
    draft, current = season["draft"], season["current"]
    page.set_viewport_size(PHONE)
    login(page, people.admin)
    toggler = page.locator(".app-header .navbar-toggler")
    for entry in ("进度", "汇总", "报告年度", "单位与人员", "安全日志", "通知", "年度报告"):
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        link = page.locator("#main-nav").get_by_role("link", name=re.compile(f"^{entry}"))
        target = live_server.url + link.get_attribute("href")
        link.click()
        page.wait_for_url(lambda url, target=target: url.startswith(target))
        assert_fits(page, entry)
        for header in page.locator("table:not(.stats-table) thead th").all():
            assert_one_line(header, f"{entry} 表头")
        if entry == "报告年度":
            cell = page.locator("#years tbody tr").first.locator("td").last
            for link in cell.get_by_role("link").all():
                assert_one_line(link, "报告年度 操作")
    for path, where in ((f"/district/years/{current.pk}/board/", "进度看板"),
                        (f"/manage/bodies/{people.body.code}/", "单位"),
                        ("/manage/people/", "人员"), (f"/manage/people/{people.filler.pk}/", "人员详情"),
                        ("/manage/change-log/", "操作记录"), (f"/reports/{draft.pk}/", "报告概览")):
        page.goto(live_server.url + path)
        assert_fits(page, where)
        for header in page.locator("table:not(.stats-table) thead th").all():
            assert_one_line(header, f"{where} 表头")
    for button in page.locator("main .btn").all():
        if button.is_visible():
            assert_one_line(button, "报告概览 按钮")

    # From Bootstrap's xl breakpoint the administrator's entries stand in one row and still fit.
    page.set_viewport_size({"width": 1200, "height": 800})
    page.goto(live_server.url + "/workspace/")
    expect(toggler).to_be_hidden()
    assert_fits(page, "工作台 1200 px")
    for link in page.locator("#main-nav .nav-link").all():
        assert_one_line(link, "主导航 1200 px")

    page.set_viewport_size(PHONE)
    page.context.clear_cookies()
    login(page, people.head)
    page.locator(".app-header .navbar-toggler").click()
    page.locator("#main-nav").get_by_role("link", name=re.compile("^待办")).click()
    expect(page.locator("#inbox tbody tr")).to_have_count(1)
    assert_fits(page, "待办")
    assert_one_line(page.locator("#inbox").get_by_role("link", name="审核"), "待办 审核")
    page.goto(f"{live_server.url}/review/{draft.pk}/")
    assert_fits(page, "审核页")
