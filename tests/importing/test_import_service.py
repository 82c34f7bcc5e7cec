"""Storing an imported report: one transaction, idempotent, refusing what it cannot read completely."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reports.errors import ReportError
from reports.importing import demo
from reports.importing.services import ImportRefused, report_import
from reports.importing.signals import report_imported
from reports.models import AnnualReport, ReportEvent, ReportingYear, ReportStatus
from reports.selectors import ReportContent
from tests.report_factories import AnnualReportFactory, ReportingYearFactory

from .test_parser import SEED, expected_seed_values, seed_text

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not SEED.is_file(), reason="no ../shared")]


def test_import_creates_the_year_the_report_its_sections_and_a_timeline_entry(people):
    outcome = report_import(body=people.body, year=2020, text=seed_text(), variant="beijing", by=people.admin,
                            source="seed.txt")
    report = outcome.report
    assert outcome.created
    year = ReportingYear.objects.get(district=people.district, year=2020)
    assert (year.format_version, year.format_variant) == ("2019", "beijing")
    assert report.imported and report.status == ReportStatus.PUBLISHED
    assert report.body_name == "东花市街道办事处"
    assert report.sections.count() == 6
    content = ReportContent.of(report)
    assert content.values == expected_seed_values()
    assert content.values["s2.t9.r1.c2"] == Decimal("132.6444")
    assert report.sections.get(key="s2").values["s2.t9.r1.c2"] == "132.6444"  # JSON form (spec §7)
    assert all(content.texts[k].strip() for k in ("s1.p0", "s5.p0", "s6.p0"))
    event = ReportEvent.objects.get(report=report)
    assert event.kind == ReportEvent.Kind.IMPORTED and event.actor == people.admin
    assert event.to_status == ReportStatus.PUBLISHED and event.data["source"] == "seed.txt"
    assert event.data["rule_findings"] == []


def test_reimport_replaces_the_content_and_records_another_event(people):
    first = report_import(body=people.body, year=2020, text=seed_text(), variant="beijing").report
    changed = seed_text().replace("\t21\n\t132.6444", "\t22\n\t251000元", 1)
    outcome = report_import(body=people.body, year=2020, text=changed, variant="beijing")
    assert not outcome.created and outcome.report.pk == first.pk
    assert AnnualReport.objects.filter(body=people.body).count() == 1
    s2 = outcome.report.sections.get(key="s2")
    assert s2.values["s2.t9.r1.c1"] == 22 and s2.values["s2.t9.r1.c2"] == "25.1"
    assert s2.version == 2
    assert outcome.report.sections.get(key="s3").version == 1  # unchanged sections keep their version
    assert list(outcome.report.events.values_list("kind", flat=True)) == ["imported", "imported"]
    assert outcome.event.data["changed_sections"] == ["s2"] and outcome.event.data["replaced"]
    assert any("251000元" in w for w in outcome.result.warnings)
    # The same text again: nothing changes but it is still recorded.
    again = report_import(body=people.body, year=2020, text=changed, variant="beijing")
    assert again.event.data["changed_sections"] == []
    assert again.report.events.count() == 3


def test_wrong_totals_are_stored_as_published_and_recorded_as_findings(people):
    text = seed_text().replace("\t（七）总计\n\t5\n", "\t（七）总计\n\t6\n", 1)
    outcome = report_import(body=people.body, year=2020, text=text, variant="beijing")
    assert outcome.report.sections.get(key="s3").values["s3.R3_7.A"] == 6
    assert len(outcome.event.data["rule_findings"]) == 3


def test_an_incomplete_text_is_refused_and_nothing_is_stored(people):
    text = seed_text().replace("\t353", "\tabc", 1)
    with pytest.raises(ImportRefused) as refused:
        report_import(body=people.body, year=2020, text=text, variant="beijing")
    assert "“第二十条第（六）项·行政处罚·处理决定数量”印作“abc”" in refused.value.message
    assert not ReportingYear.objects.filter(year=2020).exists()
    assert not AnnualReport.objects.exists()


def test_a_report_filled_in_here_is_never_overwritten(people):
    year = ReportingYearFactory(district=people.district, year=2020, format_variant="beijing")
    AnnualReportFactory(reporting_year=year, body=people.body, filled=True)
    with pytest.raises(ReportError, match="已在本系统中填报（状态：草稿），不能用导入的文本覆盖"):
        report_import(body=people.body, year=2020, text=seed_text(), variant="beijing")
    assert not ReportEvent.objects.filter(kind=ReportEvent.Kind.IMPORTED).exists()


def test_an_existing_year_keeps_its_format_and_refuses_another_variant(people):
    year = ReportingYearFactory(district=people.district, year=2020, format_variant="")
    AnnualReportFactory(reporting_year=year, body=people.other_body)
    with pytest.raises(ReportError, match="不能按另一种地方格式导入"):
        report_import(body=people.body, year=2020, text=seed_text(), variant="beijing")
    with pytest.raises(ReportError, match="没有适用于2018年度的报告格式"):
        report_import(body=people.body, year=2018, text=seed_text())
    with pytest.raises(ReportError, match="没有“shanghai”地方格式"):
        report_import(body=people.body, year=2020, text=seed_text(), variant="shanghai")


def test_the_signal_for_publishing_is_sent_after_commit(people, django_capture_on_commit_callbacks):
    received = []

    def listener(sender, report_id, event_id, **kwargs):
        received.append((report_id, event_id))

    report_imported.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            outcome = report_import(body=people.body, year=2020, text=seed_text(), variant="beijing")
            assert received == []
    finally:
        report_imported.disconnect(listener)
    assert received == [(outcome.report.pk, outcome.event.pk)]
    content = ReportContent.of(outcome.report)  # what publishing renders from
    assert content.values["s2.t6.r1.c2"] == 337 and content.texts["s6.p0"]
    assert outcome.report.format.key == "2019-beijing"


def test_command_dry_run_prints_findings_and_stores_nothing(people, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(seed_text().replace("\t行政强制\n\t0", "\t行政强制\n\t", 1), encoding="utf-8")
    out = StringIO()
    call_command("import_report", str(path), "--body", "donghuashi", "--year", "2020", "--variant", "beijing",
                 "--dry-run", stdout=out)
    printed = out.getvalue()
    assert "为空，按 0 读取" in printed and "检查完毕（未保存）" in printed and "可以导入" in printed
    assert not AnnualReport.objects.exists()


def test_command_imports_and_reports_problems_in_chinese(people, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(seed_text().encode("gb18030"))
    out = StringIO()
    call_command("import_report", str(path), "--body", "donghuashi", "--year", "2020", "--variant", "beijing",
                 stdout=out)
    assert "已导入：东花市街道办事处2020年政府信息公开工作年度报告" in out.getvalue()
    broken = tmp_path / "broken.txt"
    broken.write_text(seed_text().replace("第二十条第（九）项", "第二十条"), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="报告文本未能完整读取，没有导入"):
        call_command("import_report", str(broken), "--body", "donghuashi", "--year", "2020",
                     "--variant", "beijing", stdout=out)
    assert "错误：未找到表格“第二十条第（九）项”" in out.getvalue()
    with pytest.raises(CommandError, match="没有代码为“nowhere”的单位"):
        call_command("import_report", str(path), "--body", "nowhere", "--year", "2020")
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_report", str(tmp_path / "missing.txt"), "--body", "donghuashi", "--year", "2020")


def test_demo_seed_imports_the_shared_seed_once(people):
    demo.seed()
    demo.seed()  # a second run changes nothing
    report = AnnualReport.objects.get(body=people.body, reporting_year__year=2020)
    assert report.imported and report.events.filter(kind=ReportEvent.Kind.IMPORTED).count() == 1
    assert ReportContent.of(report).values["s2.t5.r2b.c3"] == 1275


def test_demo_seed_skips_without_the_shared_folder(people, monkeypatch, tmp_path, capsys, caplog):
    monkeypatch.setattr(demo, "seed_path", lambda: tmp_path / "absent.txt")
    assert demo.seed() == []
    assert "跳过导入历史报告的演示" in caplog.text
    assert capsys.readouterr().out == ""  # seed_demo's output is the table of logins
    assert not AnnualReport.objects.exists()


def test_the_imported_report_reads_like_the_published_one(people, client):
    report = report_import(body=people.body, year=2020, text=seed_text(), variant="beijing").report
    client.force_login(people.filler)
    page = client.get(f"/reports/{report.pk}/preview/").content.decode()
    for printed in ("+337", "1275", "132.6444", "五、政府信息公开工作存在的主要问题及改进情况", "花伴儿"):
        assert printed in page
