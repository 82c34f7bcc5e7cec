"""年报体检: a clean generated report scores 100; each known fault lowers exactly its own check."""

import datetime

import pytest
from django.utils import timezone

from reports.health.checks import CHECKS
from reports.health.selectors import report_health, year_health
from reports.selectors import ReportContent
from tests.health.conftest import edit
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


def lowered(health) -> set[str]:
    return {item.check.key for item in health.items if item.points < item.check.weight}


def test_the_checks_are_declared_once_with_weights_adding_up_to_100():
    assert sum(check.weight for check in CHECKS) == 100
    assert len({check.key for check in CHECKS}) == len(CHECKS) == 8
    assert all(check.fix_hint and check.label for check in CHECKS)


def test_a_clean_report_scores_full(clean_report):
    health = report_health(clean_report)
    assert health.score == 100 == health.maximum
    assert lowered(health) == set() and health.to_fix == ()
    assert health.item("graphic").outcome.declarative  # a draft: 发布后自动生成
    assert "发布后自动生成" in health.item("graphic").outcome.found


def _received(report) -> int:
    return ReportContent.of(report).values["s3.R1.A"]


FAULTS = {
    "parts": lambda r: edit(r, "s1", texts={"s1.p4": ""}),
    "rules": lambda r: edit(r, "s3", values={"s3.R4.A": _received(r) + 7}),
    "figures": lambda r: edit(r, "s1", texts={"s1.p2": "本年度共收到政府信息公开申请9999件，均按时答复。"}),
    "on_time": lambda r: r.reporting_year.__class__.objects.filter(pk=r.reporting_year.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)),
    "contact": lambda r: edit(r, "s6", texts={"s6.p0": "本年度未收取信息处理费。无其他需要报告的事项。"}),
    "problems": lambda r: edit(r, "s5", texts={"s5.p0": "无。"}),
}


@pytest.mark.parametrize("key", sorted(FAULTS))
def test_each_fault_lowers_exactly_its_check(clean_report, key):
    FAULTS[key](clean_report)
    clean_report.refresh_from_db()
    health = report_health(clean_report)
    assert lowered(health) == {key}
    item = health.item(key)
    assert health.score == 100 - item.check.weight + item.points < 100
    assert item.outcome.found and not item.passed


def test_similar_text_of_another_body_lowers_only_similarity(clean_report, people, open_year):
    # Another body's generated report repeats the same sentences: 内容雷同 for both.
    other = AnnualReportFactory(body=people.other_body, reporting_year=open_year, filled=True)
    health = report_health(clean_report)
    assert lowered(health) == {"similar"}
    assert people.other_body.name in health.item("similar").outcome.found
    # The board computes the same for the whole year at once.
    scores = year_health(open_year)
    assert scores[clean_report.pk].score == health.score and set(scores) == {clean_report.pk, other.pk}


def test_similar_text_of_last_year_lowers_only_similarity(clean_report, people):
    AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2024,
                        published=True)
    health = report_health(clean_report)
    assert "similar" in lowered(health)
    assert "本单位2024年度报告" in health.item("similar").outcome.found
    assert lowered(health) <= {"similar", "rules"}  # (carry-over against a random last year may warn)


def test_section_five_boilerplate_without_measures_gets_half(clean_report):
    edit(clean_report, "s5", texts={"s5.p0": "本年度政府信息公开工作总体平稳有序，各项工作按计划推进，取得了一定成效，得到了群众认可。"})
    item = report_health(clean_report).item("problems")
    assert item.points == item.check.weight // 2 and "问题" in item.outcome.found


def test_an_empty_report_scores_low_and_says_what_to_fix(people, open_year):
    report = AnnualReportFactory(body=people.body, reporting_year=open_year)
    health = report_health(report)
    assert health.score < 40
    assert {"parts", "figures", "contact", "problems"} <= lowered(health)
    assert all(item.check.fix_hint for item in health.to_fix)


def test_submitted_before_the_deadline_is_on_time_after_it_late(clean_report, people):
    from reports.models import ReportEvent

    ReportEvent.objects.create(report=clean_report, kind=ReportEvent.Kind.SUBMITTED, actor=people.filler,
                               from_status="draft", to_status="pending_head")
    item = report_health(clean_report).item("on_time")
    assert item.passed and "已于" in item.outcome.found
    year = clean_report.reporting_year
    year.deadline = timezone.localdate() - datetime.timedelta(days=1)
    year.save()
    clean_report.refresh_from_db()
    item = report_health(clean_report).item("on_time")
    assert not item.passed and "才提交" in item.outcome.found


def test_the_graphic_counts_for_a_published_report_with_a_version_to_draw_it_from(people, open_year, monkeypatch):
    from reports.health import selectors

    published = AnnualReportFactory(body=people.body, reporting_year=open_year, published=True)
    draft = AnnualReportFactory(body=people.other_body, reporting_year=open_year, filled=True)
    item = report_health(published).item("graphic")
    assert item.passed and not item.outcome.declarative and "配有图解" in item.outcome.found
    assert report_health(draft).item("graphic").outcome.declarative  # 发布后自动生成
    monkeypatch.setattr(selectors, "_published", lambda where: set())  # no published version to draw from
    item = report_health(published).item("graphic")
    assert not item.passed and item.points == 0 and "还没有图解" in item.outcome.found
