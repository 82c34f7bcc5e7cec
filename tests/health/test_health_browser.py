"""年报体检 in Chromium: the filler sees the score and what to fix on the overview, fixes it through
the section page and sees the score rise; the reviewers see it on the review page; the district
administrator sees a score column on the board."""

import re

import pytest
from playwright.sync_api import expect

from reports.models import ReportStatus
from tests.health.conftest import edit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONCRETE = ("存在的主要问题：一是政策解读形式单一，图解、视频解读较少；二是依申请公开答复文书不够规范。"
            "改进措施：下一步将每季度开展一次业务培训，规范答复文书模板。上年度所列栏目更新不及时的问题已整改。")


def test_the_filler_sees_the_health_check_fixes_a_fault_and_the_score_rises(page, live_server, people, login,
                                                                           clean_report):
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    login(page, people.filler)
    page.goto(f"{live_server.url}/reports/")
    page.locator("tr", has_text=clean_report.body_name).get_by_role("link", name=re.compile("打开|查看")).click()
    panel = page.locator("#health")
    expect(panel.get_by_role("heading", name=re.compile("年报体检"))).to_be_visible()
    expect(page.locator("#health-score")).to_have_text("90 分")
    problems = panel.locator('tr[data-check="problems"]')
    expect(problems).to_have_attribute("data-passed", "0")
    expect(problems).to_contain_text("只写了 1 个字")
    expect(problems.locator(".health-fix")).to_contain_text("不要只写“无”或套话")
    expect(panel.locator('tr[data-check="rules"]')).to_have_attribute("data-passed", "1")

    page.locator('#section-overview tr[data-section="s5"]').get_by_role("link", name="填写").click()
    expect(page.locator("#rule-messages")).to_contain_text("只写了 1 个字")  # rules.js, live on the page
    box = page.locator('textarea[name="text:s5.p0"]')
    box.fill(CONCRETE)
    expect(page.locator("#rule-messages")).not_to_contain_text("只写了")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_role("navigation", name="面包屑").get_by_role("link", name=re.compile("2025年度")).click()
    expect(page.locator("#health-score")).to_have_text("100 分")
    expect(page.locator('#health tr[data-check="problems"]')).to_have_attribute("data-passed", "1")
    expect(page.locator("#health")).to_contain_text("各项均已达标")


def test_the_reviewer_sees_the_health_check_on_the_review_page(page, live_server, people, login, clean_report):
    edit(clean_report, "s6", texts={"s6.p0": "本年度未收取信息处理费。"})
    clean_report.status = ReportStatus.PENDING_HEAD
    clean_report.save()
    login(page, people.head)
    page.goto(f"{live_server.url}/review/{clean_report.pk}/")
    expect(page.locator("#health-score")).to_have_text("90 分")
    contact = page.locator('#health tr[data-check="contact"]')
    expect(contact).to_contain_text("没有网址、联系电话或邮箱")
    expect(contact.locator(".health-fix")).to_contain_text("写明政府信息公开网站（专栏）的网址和咨询电话")


def test_the_board_has_a_score_column(page, live_server, people, login, clean_report, open_year):
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    login(page, people.admin)
    page.goto(f"{live_server.url}/district/years/{open_year.pk}/board/")
    board = page.locator("#board")
    expect(board.get_by_role("columnheader", name="体检得分")).to_be_visible()
    row = board.locator("tbody tr", has_text=clean_report.body_name)
    expect(row.locator(".health-score")).to_have_text("90 分")
    expect(row.locator(".health-score a")).to_have_attribute("title", "待改进：问题与改进具体")
    row.locator(".health-score a").click()
    expect(page.locator("#health-score")).to_have_text("90 分")


def test_the_board_shows_the_fillers_save_at_its_next_load_checking_that_report_alone(
        page, browser, live_server, people, login, clean_report, open_year):
    """The administrator keeps the board open while the filler writes: the filler's 保存 checks
    nothing for the board, and the administrator's next board checks the saved report alone and shows
    its new score."""
    from unittest import mock

    from django.core.cache import cache

    from reports.health import selectors

    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    cache.clear()
    login(page, people.admin)
    page.goto(f"{live_server.url}/district/years/{open_year.pk}/board/")
    row = page.locator("#board tbody tr", has_text=clean_report.body_name)
    expect(row.locator(".health-score")).to_have_text("90 分")

    filler = login(browser.new_context(locale="zh-CN").new_page(), people.filler)
    filler.goto(f"{live_server.url}/reports/{clean_report.pk}/sections/s5/")
    with mock.patch.object(selectors, "health_of", wraps=selectors.health_of) as checked:
        filler.locator('textarea[name="text:s5.p0"]').fill(CONCRETE)
        filler.get_by_role("button", name="保存", exact=True).click()
        expect(filler.locator(".alert-success")).to_contain_text("已保存")
        assert checked.call_count == 0  # not by the save
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="进度").click()
        expect(page.get_by_role("heading", name="2025年度报送进度")).to_be_visible()
        row = page.locator("#board tbody tr", has_text=clean_report.body_name)
        expect(row.locator(".health-score")).to_have_text("100 分")
        assert checked.call_count == 1  # by the board, the saved report alone


def test_at_the_peak_the_board_shows_kept_scores_with_their_time_and_a_worker_computes_them_again(
        page, browser, live_server, people, login, clean_report, open_year, settings, celery_worker_process):
    """Scores kept a while (reports/health/board.py): the first load says the worker is computing them
    and a reload shows them; the administrator reads when they were computed; a filler's change shows
    once they are past their freshness and the worker has computed them again."""
    import datetime

    from django.core.cache import cache

    from reports.health import board

    cache.clear()
    settings.NIANBAO_BOARD_SCORES_FRESH_FOR = 30
    edit(clean_report, "s5", texts={"s5.p0": "无。"})
    login(page, people.admin)
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="进度").click()
    row = page.locator("#board tbody tr", has_text=clean_report.body_name)
    caption = page.locator("#board caption")
    # None kept yet (the first load of the day): the board is shown at once, a worker computes them.
    expect(caption).to_contain_text("体检得分正在计算，稍后刷新本页可见")
    expect(row.locator(".health-score")).to_have_text("计算中")
    for _ in range(40):
        page.wait_for_timeout(250)
        caption.get_by_role("link", name="刷新本页").click()
        if "计算中" not in row.locator(".health-score").inner_text():
            break
    expect(row.locator(".health-score")).to_have_text("90 分")
    expect(caption).to_contain_text(re.compile(r"体检得分为 \d\d:\d\d:\d\d 的结果"))
    computed_at = re.search(r"\d\d:\d\d:\d\d", caption.inner_text()).group()

    filler = login(browser.new_context(locale="zh-CN").new_page(), people.filler)
    filler.goto(f"{live_server.url}/reports/{clean_report.pk}/sections/s5/")
    filler.locator('textarea[name="text:s5.p0"]').fill(CONCRETE)
    filler.get_by_role("button", name="保存", exact=True).click()
    expect(filler.locator(".alert-success")).to_contain_text("已保存")

    nav.get_by_role("link", name="进度").click()  # within the freshness: the kept scores, and their time
    expect(row.locator(".health-score")).to_have_text("90 分")
    expect(caption).to_contain_text(f"体检得分为 {computed_at} 的结果")
    expect(caption).not_to_contain_text("正在重新计算")

    as_of, scores = cache.get(board._slot(open_year.pk))  # half a minute on
    cache.set(board._slot(open_year.pk), (as_of - datetime.timedelta(seconds=31), scores), 600)
    nav.get_by_role("link", name="进度").click()
    expect(caption).to_contain_text("正在重新计算，稍后刷新本页可见")
    expect(row.locator(".health-score")).to_have_text("90 分")
    for _ in range(40):  # the worker computes them again
        page.reload()
        if "100 分" in row.locator(".health-score").inner_text():
            break
        page.wait_for_timeout(250)
    expect(row.locator(".health-score")).to_have_text("100 分")
    expect(caption).not_to_contain_text("正在重新计算")
    expect(caption).not_to_contain_text(f"体检得分为 {computed_at} 的结果")
