"""Saving a section: drafts are never lost, bad numbers get a message, stale forms a conflict."""

import pytest

from reports.errors import ReportLocked, SectionConflict
from reports.models import ReportSection, ReportStatus
from reports.selectors import ReportContent, report_check
from reports.services import report_section_save
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(people):
    return AnnualReportFactory(body=people.body, reporting_year__district=people.district, reporting_year__year=2025)


def _save(report, user, cells=None, texts=None, key="s3", version=None):
    version = version if version is not None else ReportSection.objects.get(report=report, key=key).version
    return report_section_save(report=report, key=key, cells=cells or {}, texts=texts or {},
                               base_version=version, by=user)


def test_totals_are_computed_on_save(report, people):
    result = _save(report, people.filler, {"s3.R1.A": "3", "s3.R1.B": "2", "s3.R3_1.A": "3", "s3.R3_1.B": "2"})
    values = ReportContent.of(report).values
    assert values["s3.R1.G"] == 5 and values["s3.R3_7.A"] == 3 and values["s3.R3_7.G"] == 5
    assert result.section.version == 2 and result.errors == {}
    assert result.section.updated_by == people.filler


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-3", "不能为负数"), ("abc", "请输入整数"), ("1.5", "请输入整数"), ("99999999999", "数值过大")],
)
def test_a_bad_number_gets_a_message_on_its_cell_and_is_kept_as_typed(report, people, typed, message):
    result = _save(report, people.filler, {"s3.R1.A": typed, "s3.R1.B": "4"})
    assert message in result.errors["s3.R1.A"]
    section = ReportSection.objects.get(report=report, key="s3")
    assert section.raw == {"s3.R1.A": typed}
    assert section.values["s3.R1.B"] == 4
    check = report_check(report)
    assert "s3.R1.A" in check.invalid_cells and not check.complete


def test_signed_and_money_cells_in_the_2019_format(people):
    report = AnnualReportFactory(body=people.body, reporting_year__year=2020)
    _save(report, people.filler, {"s2.t6.r1.c2": "+337", "s2.t6.r2.c2": "-5", "s2.t9.r1.c2": "132.6444"}, key="s2")
    values = ReportContent.of(report).values
    assert values["s2.t6.r1.c2"] == 337 and values["s2.t6.r2.c2"] == -5
    assert str(values["s2.t9.r1.c2"]) == "132.6444"


def test_a_stale_save_is_refused_with_what_the_other_person_changed(report, people):
    colleague = people.filler
    version = ReportSection.objects.get(report=report, key="s3").version
    _save(report, colleague, {"s3.R1.A": "7"}, version=version)
    with pytest.raises(SectionConflict) as caught:
        _save(report, colleague, {"s3.R1.A": "2"}, version=version)
    changes = {c["key"]: c for c in caught.value.changes}
    assert changes["s3.R1.A"]["before"] == "" and changes["s3.R1.A"]["after"] == "7"
    assert changes["s3.R1.A"]["label"] == "一、本年新收政府信息公开申请数量·自然人"
    assert "您的修改尚未保存" in caught.value.message
    assert ReportContent.of(report).values["s3.R1.A"] == 7


def test_text_sections_save_their_parts(report, people):
    _save(report, people.filler, texts={"s1.p1": "全年主动公开政府信息346条。", "bogus": "x"}, key="s1")
    section = ReportSection.objects.get(report=report, key="s1")
    assert section.texts == {"s1.p1": "全年主动公开政府信息346条。"}
    assert section.history.count() == 2  # created, then saved: every save is recorded


@pytest.mark.parametrize("status", [ReportStatus.PENDING_HEAD, ReportStatus.APPROVED, ReportStatus.PUBLISHED])
def test_a_report_under_review_or_published_cannot_be_saved(report, people, status):
    report.status = status
    report.save()
    with pytest.raises(ReportLocked):
        _save(report, people.filler, {"s3.R1.A": "1"})


# --- the three-way merge (a save based on an older version) --------------------------------------


def _merge(report, user, version, cells=None, texts=None, key="s3", choices=None):
    return report_section_save(report=report, key=key, cells=cells or {}, texts=texts or {},
                               base_version=version, by=user, merge=True, choices=choices)


@pytest.fixture
def colleague(people):
    from tests.factories import RoleAssignmentFactory

    return RoleAssignmentFactory(user__full_name="同事", body=people.body).user


def test_a_stale_save_writes_only_what_this_person_changed(report, people, colleague):
    _save(report, colleague, texts={"s3.note": "同事的说明"}, version=1)  # version 2
    # The stale page posts everything it shows: the old (empty) 说明 and one changed cell.
    result = _merge(report, people.filler, 1, cells={"s3.R1.A": "3", "s3.R1.B": ""}, texts={"s3.note": ""})
    stored = ReportSection.objects.get(report=report, key="s3")
    assert stored.texts == {"s3.note": "同事的说明"} and stored.values["s3.R1.A"] == 3
    assert result.conflicts == [] and result.merged == {"s3.note": "同事的说明"}
    assert result.other == "同事" and "同事刚保存的修改已一并保留" in result.notes[0]
    event = report.events.filter(kind="saved").order_by("-pk").first()
    assert event.data["merged_from_version"] == 1 and set(event.data["changes"]) >= {"s3.R1.A"}


def test_a_field_both_changed_differently_is_not_written_until_chosen(report, people, colleague):
    _save(report, colleague, {"s3.R1.A": "2"}, version=1)
    result = _merge(report, people.filler, 1, cells={"s3.R1.A": "5", "s3.R1.B": "4"})
    assert [(c["key"], c["mine"], c["theirs"]) for c in result.conflicts] == [("s3.R1.A", "5", "2")]
    assert result.conflicts[0]["label"] == "一、本年新收政府信息公开申请数量·自然人"
    values = ReportContent.of(report).values
    assert values["s3.R1.A"] == 2 and values["s3.R1.B"] == 4
    version = result.section.version
    # Still undecided: a later save (now based on the new version) does not write it either.
    again = _merge(report, people.filler, version, cells={"s3.R1.A": "5"}, choices={"s3.R1.A": ""})
    assert [c["key"] for c in again.conflicts] == ["s3.R1.A"] and ReportContent.of(report).values["s3.R1.A"] == 2
    _merge(report, people.filler, version, cells={"s3.R1.A": "5"}, choices={"s3.R1.A": "mine"})
    assert ReportContent.of(report).values["s3.R1.A"] == 5


def test_choosing_theirs_keeps_what_is_stored(report, people, colleague):
    _save(report, colleague, {"s3.R1.A": "2"}, version=1)
    result = _merge(report, people.filler, 1, cells={"s3.R1.A": "5"}, choices={"s3.R1.A": "theirs"})
    assert result.conflicts == [] and result.merged == {"s3.R1.A": "2"} and not result.changed
    assert ReportContent.of(report).values["s3.R1.A"] == 2


def test_the_same_change_on_both_sides_is_no_conflict(report, people, colleague):
    _save(report, colleague, {"s3.R1.A": "2"}, version=1)
    result = _merge(report, people.filler, 1, cells={"s3.R1.A": "２"})  # full-width: the same number
    assert result.conflicts == [] and not result.changed


def test_an_unknown_base_version_asks_about_every_difference(report, people, colleague):
    _save(report, colleague, {"s3.R1.A": "2"}, version=1)
    result = _merge(report, people.filler, 99, cells={"s3.R1.A": "5", "s3.R1.B": ""})
    assert [c["key"] for c in result.conflicts] == ["s3.R1.A"]  # R1.B is the same on both sides


def test_without_merge_a_stale_save_is_still_refused_whole(report, people, colleague):
    _save(report, colleague, {"s3.R1.A": "2"}, version=1)
    with pytest.raises(SectionConflict):
        report_section_save(report=report, key="s3", cells={"s3.R1.B": "4"}, texts={}, base_version=1,
                            by=people.filler)
    assert "s3.R1.B" not in ReportContent.of(report).values
