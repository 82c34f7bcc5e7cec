"""A report autosaved for weeks has thousands of saves on its timeline. Its review page and overview list
the latest 50 events, say how many there are and show all of them on request; the details of a save
(the texts before and after) are read only for the saves listed. The export keeps every row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from reports.models import ReportEvent
from reports.review.services import report_submit
from reports.review.templatetags.review import TIMELINE_SHOWN
from reports.timeline import event_record
from tests.review.conftest import CELL, save_cell

E = ReportEvent.Kind


def autosaved(report, person, times: int) -> None:
    """`times` saves of one text, as the autosave records them (each with the text before and after)."""
    text = "本机关坚持以习近平新时代中国特色社会主义思想为指导，" * 20
    for n in range(times):
        event_record(report=report, kind=E.SAVED, actor=person, data={"section": "s1", "version": n + 2, "changes": {
            "s1.text": {"label": "一、总体情况", "before": f"{text}{n}", "after": f"{text}{n + 1}"}}})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_review_page_lists_the_latest_events_and_all_of_them_on_request(page, live_server, people, login,
                                                                          report):
    save_cell(report, people.filler, CELL, "7")  # the first save: its change is 7
    autosaved(report, people.filler, TIMELINE_SHOWN + 10)
    report_submit(report=report, by=people.filler)
    total = report.events.count()
    login(page, people.head)
    page.locator("nav.navbar").get_by_role("link", name="待办（1）").click()
    page.locator("#inbox").get_by_role("link", name="审核").click()
    rows = page.locator("#timeline-table tbody tr")
    expect(rows).to_have_count(TIMELINE_SHOWN)
    expect(page.locator("#timeline-shown")).to_have_text(
        f"共 {total} 条记录，这里列出最近 {TIMELINE_SHOWN} 条。显示全部 {total} 条")
    expect(rows.last).to_contain_text("提交审核")  # the latest, last
    expect(page.locator("#timeline-table")).not_to_contain_text("→ 7")  # the first save is not listed
    page.get_by_role("link", name=f"显示全部 {total} 条").click()
    expect(rows).to_have_count(total)
    expect(page.locator("#timeline-shown")).to_have_count(0)
    expect(page.locator("#timeline-table")).to_contain_text("→ 7")
    expect(rows.nth(total - 2)).to_contain_text("一、总体情况：文字已修改")
    expect(page.locator("#review-actions")).to_contain_text("审核通过")  # still the review page


@pytest.mark.django_db
def test_the_pages_read_the_details_of_the_saves_they_list_only(client, people, report):
    """The review page and the overview: the same queries with 60 saves as with 160, and the saves'
    details read for the ones listed (TIMELINE_SHOWN at most); the CSV export has every row."""
    report_submit(report=report, by=people.filler)
    client.force_login(people.head)

    def page_queries(name) -> list[str]:
        client.get(reverse(name, args=[report.pk]))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[report.pk])).status_code == 200
        return [q["sql"] for q in queries.captured_queries]

    for name in ("review:report", "reports:overview"):
        autosaved(report, people.filler, 60 - report.events.filter(kind=E.SAVED).count())
        fewer = page_queries(name)
        autosaved(report, people.filler, 100)
        more = page_queries(name)
        assert len(more) == len(fewer), name
        details = [sql for sql in more if '"reports_reportevent"."data" AS "data" FROM "reports_reportevent"' in sql]
        assert details and sum(sql.count(",") for sql in details) <= TIMELINE_SHOWN + 10, name  # ids listed
        events = [sql for sql in more if '"reports_reportevent"."kind"' in sql and sql.startswith("SELECT")]
        assert all('"reports_reportevent"."data"' not in sql for sql in events), name
    client.force_login(people.admin)
    csv = client.get(reverse("review:timeline_csv", args=[report.pk])).content.decode("utf-8-sig")
    assert csv.count("一、总体情况：文字已修改") == report.events.filter(kind=E.SAVED, data__section="s1").count()
