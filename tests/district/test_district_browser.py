"""The 区管理员 in Chromium: opens a year, follows it on the board, reminds the bodies; imports
people from XLSX with a preview that shows row errors before anything is stored."""

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from agencies.models import User
from reports.models import ReportEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_a_year_and_follow_it_on_the_board(page, live_server, people, login):
    login(page, people.admin)
    page.get_by_role("link", name="报告年度").click()
    page.get_by_role("link", name="开启报告年度").click()
    page.get_by_label("报告年度").fill("2024")
    page.get_by_label("报送截止日期").fill("2025-01-31")
    page.get_by_role("button", name="开启年度").click()
    # The deadline has passed: the page asks first, saying how many drafts it creates.
    expect(page.locator("#year-open-confirm")).to_contain_text("开启后将为 2 个单位创建")
    page.get_by_role("button", name="确认开启，创建 2 份报告草稿").click()
    expect(page.get_by_text("已开启2024年度，为 2 个单位创建了报告草稿")).to_be_visible()
    expect(page.get_by_role("heading", name="2024年度报送进度")).to_be_visible()
    # The deadline has passed: both drafts are overdue, in red, and held by their fillers.
    board = page.locator("#board")
    row = board.locator("tr", has_text="东花市街道办事处")
    expect(row).to_have_class(re.compile(r"\btable-danger\b"))
    expect(row).to_contain_text("已逾期")
    expect(row).to_contain_text(f"填报人：{people.filler.full_name}")
    expect(page.locator("#progress-chart")).to_be_visible()
    expect(page.locator('#state-counts [data-status="draft"]')).to_contain_text("2")
    # Filters: only street offices named 天坛.
    page.get_by_label("单位名称").fill("天坛")
    page.get_by_role("button", name="筛选").click()
    expect(board.locator("tbody tr")).to_have_count(1)
    expect(board).to_contain_text("天坛街道办事处")
    # One click reminds both bodies, each in its timeline.
    page.get_by_role("button", name=re.compile("一键催报")).click()
    expect(page.get_by_text("已向 2 个尚未提交的单位发送催报提醒")).to_be_visible()
    assert ReportEvent.objects.filter(kind=ReportEvent.Kind.REMINDED, actor=people.admin).count() == 2
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename == "progress-2024.xlsx"


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["登录名", "姓名", "单位代码", "角色", "电子邮箱"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_bulk_import_previews_errors_then_creates_people(page, live_server, people, login, tmp_path):
    login(page, people.admin)
    page.goto(f"{live_server.url}/manage/people/import/")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_sheet([["w.one", "王一", "donghuashi", "填报人", ""],
                            ["w.two", "王二", "xicheng", "审核员", ""]]))
    page.get_by_label("人员表（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-errors")).to_contain_text("其中 1 行有错误")
    row = page.locator("#import-preview tr", has_text="w.two")
    expect(row).to_contain_text("单位代码“xicheng”不是本区的单位")
    expect(row).to_contain_text("角色“审核员”无法识别")
    expect(page.get_by_role("button", name=re.compile("确认导入"))).to_have_count(0)
    assert not User.objects.filter(username__startswith="w.").exists()

    good = tmp_path / "good.xlsx"
    good.write_bytes(_sheet([["w.one", "王一", "donghuashi", "填报人", "w1@example.gov.cn"],
                             ["w.two", "王二", "tiantan", "部门负责人", ""]]))
    page.get_by_label("人员表（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_text("共 2 行，全部检查通过，尚未保存")).to_be_visible()
    assert not User.objects.filter(username__startswith="w.").exists()
    page.get_by_role("button", name="确认导入 2 人").click()
    expect(page.get_by_role("heading", name="已导入 2 人")).to_be_visible()
    password = page.locator("#imported tr", has_text="w.one").locator("code").inner_text()
    user = User.objects.get(username="w.one")
    assert user.must_change_password and user.check_password(password)

    # The new person signs in and must change the password first.
    other = page.context.browser.new_context().new_page()
    login(other, user, password=password)
    expect(other.get_by_role("heading", name="修改密码")).to_be_visible()


def test_bulk_import_checks_lengths_and_e_mail_in_the_preview(page, live_server, people, login, tmp_path):
    """Over-long names used to pass the preview and fail at the confirmation (a 500 on PostgreSQL)."""
    login(page, people.admin)
    page.get_by_role("link", name="单位与人员").click()
    page.get_by_role("link", name="批量导入人员").click()
    sheet = tmp_path / "long.xlsx"
    sheet.write_bytes(_sheet([["l.one", "长" * 51, "donghuashi", "填报人", "not-an-address"],
                              ["l" * 151, "短名", "donghuashi", "填报人", ""],
                              ["l.three", "正常", "donghuashi", "填报人", "l3@example.gov.cn"]]))
    page.get_by_label("人员表（.xlsx）").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-errors")).to_contain_text("共 3 行，其中 2 行有错误")
    first = page.locator("#import-preview tr", has_text="l.one")
    expect(first).to_contain_text("“姓名”过长（51 个字符，最多 50 个）")
    expect(first).to_contain_text("电子邮箱“not-an-address”格式不正确")
    expect(page.locator("#import-preview tr", has_text="短名")).to_contain_text("“登录名”过长（151 个字符，最多 150 个）")
    expect(page.locator("#import-preview tr", has_text="l.three")).to_contain_text("通过")
    expect(page.get_by_role("button", name=re.compile("确认导入"))).to_have_count(0)
    assert not User.objects.filter(username__startswith="l.").exists()
