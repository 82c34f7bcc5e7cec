"""The summary page's figures are kept (reports/summary/kept.py): computed once while nothing they read
changes, and computed afresh, never shown stale, after any change to what they read, however it is
saved."""

import re
import zlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from agencies.models import Body
from reports.models import AnnualReport, ReportSection, ReportStatus
from reports.publishing.models import ReportPdf
from reports.summary import views as summary_views
from reports.summary.kept import summary_slot, summary_state
from tests.factories import BodyFactory

pytestmark = pytest.mark.django_db


def _figures(client, year, basis):
    html = client.get(reverse("summary:summary", args=[year.pk]) + f"?basis={basis}").content.decode()
    return html[html.index('<p id="summary-scope">'):html.index("</main>")]


@pytest.fixture
def computed(monkeypatch):
    """How many times the page computed the summary (rather than reading its kept figures)."""
    calls = []
    original = summary_views.district_summary

    def counting(*args, **kwargs):
        calls.append(kwargs.get("basis"))
        return original(*args, **kwargs)

    monkeypatch.setattr(summary_views, "district_summary", counting)
    return calls


@pytest.mark.parametrize("basis", ["published", "approved"])
def test_the_figures_are_computed_once_while_nothing_they_read_changes(client, people, year_with_reports,
                                                                       computed, basis):
    client.force_login(people.admin)
    cache.delete(summary_slot(year_with_reports, basis))
    first = _figures(client, year_with_reports, basis)
    assert computed == [basis]
    # Fillers of another year save, reviewers approve elsewhere: this year's figures are read back.
    again = _figures(client, year_with_reports, basis)
    assert computed == [basis] and again == first
    assert "共 <strong>" in first and 'data-cell="s3.R1.G"' in first and "图解：各单位比较" in first
    state, packed = cache.get(summary_slot(year_with_reports, basis))  # one entry a year and basis
    assert state == summary_state(year_with_reports, basis)
    assert zlib.decompress(packed).decode().strip() in first and len(packed) * 4 < len(first.encode())
    other = "approved" if basis == "published" else "published"
    _figures(client, year_with_reports, other)
    assert computed == [basis, other]  # each basis is its own summary


def _one(year, status):
    return AnnualReport.objects.filter(reporting_year=year, status=status).order_by("pk").first()


def _bump_live_figure(year):
    """An approved report waiting for its render counts by its live sections: a figure corrected."""
    section = ReportSection.objects.get(report=_one(year, ReportStatus.APPROVED), key="s3")
    section.values["s3.R1.A"] += 1000
    section.save()


def _bump_published_content(year):
    """A published version's content written by a bulk update (no save(), no signal)."""
    pdf = ReportPdf.objects.filter(report=_one(year, ReportStatus.PUBLISHED), status=ReportPdf.Status.DONE).get()
    content = pdf.content
    content["values"]["s3.R1.A"] += 1000
    ReportPdf.objects.filter(pk=pdf.pk).update(content=content)


def _new_version(year):
    """A corrected version published: the summary counts the newest done version."""
    pdf = ReportPdf.objects.filter(report=_one(year, ReportStatus.PUBLISHED), status=ReportPdf.Status.DONE).get()
    content = {**pdf.content, "values": {**pdf.content["values"], "s3.R1.A": pdf.content["values"]["s3.R1.A"] + 7}}
    ReportPdf.objects.create(report=pdf.report, version=pdf.version + 1, status=ReportPdf.Status.DONE,
                             file="bench/v2.pdf", sha256="0" * 64, content=content)


def _status_by_update(year):
    AnnualReport.objects.filter(pk=_one(year, ReportStatus.APPROVED).pk).update(status=ReportStatus.RETURNED)


def _report_renamed(year):
    AnnualReport.objects.filter(pk=_one(year, ReportStatus.DRAFT).pk).update(body_name="改名后的街道办事处")


def _body_added(year):
    BodyFactory(code="new01", name="新设立的街道办事处", district=year.district)


def _body_renamed(year):
    Body.objects.filter(code="new02").update(name="新名街道办事处")


@pytest.mark.parametrize("change", [_bump_live_figure, _bump_published_content, _new_version, _status_by_update,
                                    _report_renamed, _body_added, _body_renamed])
def test_any_change_to_what_the_figures_read_gives_fresh_figures(client, people, year_with_reports, change):
    client.force_login(people.admin)
    BodyFactory(code="new02", name="原名街道办事处", district=year_with_reports.district)  # no report yet
    before = {basis: _figures(client, year_with_reports, basis) for basis in ("published", "approved")}
    change(year_with_reports)
    after = {basis: _figures(client, year_with_reports, basis) for basis in ("published", "approved")}
    changed = [basis for basis in after if after[basis] != before[basis]]
    assert changed, "the change shows on the page"
    # What the page shows is what a fresh computation shows: nothing kept from before the change.
    for basis in after:
        # The year and basis keep one entry, overwritten with the state it now shows.
        assert cache.get(summary_slot(year_with_reports, basis))[0] == summary_state(year_with_reports, basis)
        cache.delete(summary_slot(year_with_reports, basis))
        assert _figures(client, year_with_reports, basis) == after[basis]


def test_a_figure_changed_shows_its_new_sum(client, people, year_with_reports):
    client.force_login(people.admin)
    page = _figures(client, year_with_reports, "approved")
    total = int(re.search(r'data-cell="s3.R1.A"><a href="[^"]*" aria-label="[^"]*">([\d,]+)<', page).group(1).replace(",", ""))
    _bump_live_figure(year_with_reports)
    page = _figures(client, year_with_reports, "approved")
    assert int(re.search(r'data-cell="s3.R1.A"><a href="[^"]*" aria-label="[^"]*">([\d,]+)<', page).group(1).replace(",", "")) \
        == total + 1000


def test_without_the_shared_cache_the_page_computes_its_figures(client, people, year_with_reports, computed,
                                                                 monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "set_many", down)
    client.force_login(people.admin)
    first, second = (_figures(client, year_with_reports, "published") for _ in range(2))
    assert first == second and "共 <strong>8</strong> 个单位" in first and computed == ["published", "published"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_administrator_switches_the_basis_and_sees_each_basis_figures_and_a_change(
        page, live_server, people, login, year_with_reports):
    """From the page's own links and its 切换 button: each basis shows its own figures (kept), and a
    figure changed since shows its new sum, not the kept one."""
    from playwright.sync_api import expect

    from reports.summary.summary import BASES, district_summary

    published, approved = (district_summary(year_with_reports, basis=b) for b in ("published", "approved"))
    login(page, people.admin)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="报告年度").click()
    page.locator("tr", has_text="2025年度").get_by_role("link", name="汇总").click()
    scope, figure = page.locator("#summary-scope"), page.locator('td[data-cell="s3.R1.A"]')
    expect(scope).to_contain_text(f"{BASES['published'][0]}，共 8 个单位")
    expect(figure).to_have_text(published.text("s3.R1.A"))

    page.get_by_label(BASES["approved"][0]).check()
    page.get_by_role("button", name="切换").click()
    expect(scope).to_contain_text(f"{BASES['approved'][0]}，共 10 个单位")
    expect(figure).to_have_text(approved.text("s3.R1.A"))

    _bump_live_figure(year_with_reports)  # an approved report's figure corrected before its render
    page.get_by_role("button", name="切换").click()
    changed = district_summary(year_with_reports, basis="approved").text("s3.R1.A")
    assert changed != approved.text("s3.R1.A")
    expect(figure).to_have_text(changed)
    page.get_by_label(BASES["published"][0]).check()
    page.get_by_role("button", name="切换").click()
    expect(scope).to_contain_text(f"{BASES['published'][0]}，共 8 个单位")
    expect(figure).to_have_text(published.text("s3.R1.A"))  # the published versions did not change
