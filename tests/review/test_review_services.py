"""The review services: the happy path, what blocks a submission, returns, notices, the signal."""

import pytest
from django.core import mail

from reports.errors import ReportError
from reports.models import ReportEvent, ReportSection, ReportStatus
from reports.review.diff import report_redline
from reports.review.models import Notification, ReviewComment
from reports.review.secrecy import ALL_POINTS
from reports.review.selectors import submission_problems
from reports.review.services import (
    SubmissionBlocked,
    report_approve,
    report_return,
    report_submit,
    report_withdraw,
)
from reports.selectors import report_check
from reports.services import report_explanations_save
from reports.signals import report_approved
from tests.review.conftest import CELL, save_cell, save_text

pytestmark = pytest.mark.django_db
S = ReportStatus
E = ReportEvent.Kind


def kinds(report):
    return list(report.events.order_by("pk").values_list("kind", flat=True))


def test_two_levels_with_a_return_at_level_two(report, people, django_capture_on_commit_callbacks, mail_queue):
    received = []
    report_approved.connect(lambda sender, report_id, **kw: received.append(report_id), weak=False,
                            dispatch_uid="test-approved")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report_submit(report=report, by=people.filler)
            assert report.status == S.PENDING_HEAD and not report.is_editable
            report_approve(report=report, by=people.head, comment="同意", confirmed=ALL_POINTS)
            assert report.status == S.PENDING_DIRECTOR
            report_return(report=report, by=people.director, reason="数据需核实",
                          comments=[{"target": CELL, "text": "与台账不一致"}, {"target": "s5", "text": "太笼统"}])
            assert report.status == S.RETURNED and report.is_editable
            save_cell(report, people.filler, CELL, "9")
            report_submit(report=report, by=people.filler)
            report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
            assert received == []
            report_approve(report=report, by=people.director, comment="同意发布", confirmed=ALL_POINTS)
    finally:
        report_approved.disconnect(dispatch_uid="test-approved")
    report.refresh_from_db()
    assert report.status == S.APPROVED
    assert received == [report.pk]
    assert [k for k in kinds(report) if k != E.OPENED] == [
        E.SUBMITTED, E.APPROVED_HEAD, E.RETURNED, E.SAVED, E.SUBMITTED, E.APPROVED_HEAD, E.APPROVED_DIRECTOR]
    returned = report.events.get(kind=E.RETURNED)
    assert returned.actor == people.director and returned.comment == "数据需核实"
    assert [c["target"] for c in returned.data["comments"]] == [CELL, "s5"]
    comments = ReviewComment.objects.filter(return_event=returned)
    assert {(c.target_kind, c.target) for c in comments} == {("cell", CELL), ("section", "s5")}
    # The next people to act were told, in the app and by e-mail.
    assert Notification.objects.filter(recipient=people.head, kind="submitted").count() == 2
    assert Notification.objects.filter(recipient=people.director, kind="approved_head").count() == 2
    assert Notification.objects.filter(recipient=people.filler, kind="returned").count() == 1
    assert Notification.objects.filter(recipient=people.admin, kind="approved").count() == 1
    assert mail.outbox == []  # nothing is mailed inside the action: a Celery task does it
    mail_queue.deliver()
    to = [m.to[0] for m in mail.outbox]
    assert to.count(people.head.email) == 2 and people.filler.email in to
    returned_mail = next(m for m in mail.outbox if m.to == [people.filler.email] and "退回" in m.subject)
    assert "数据需核实" in returned_mail.body and f"/reports/{report.pk}/" in returned_mail.body


def test_redline_shows_the_changed_cell_and_the_comment_it_answers(report, people):
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    before = ReportSection.objects.get(report=report, key="s2").values.get(CELL)
    report_return(report=report, by=people.director, reason="请核实",
                  comments=[{"target": CELL, "text": "与台账不一致"}, {"target": "s5.p0", "text": "写具体"},
                            {"target": "s4", "text": "核对复议数"}])
    save_cell(report, people.filler, CELL, str(before + 5))
    save_text(report, people.filler, "s5.p0", "存在的主要问题：答复文书不统一。改进措施：制定模板。")
    report_submit(report=report, by=people.filler)
    redline = report_redline(report)
    cell = next(c for c in redline.changes if c.key == CELL)
    assert (cell.before, cell.after) == (str(before), str(before + 5))
    assert [c.text for c in cell.answers] == ["与台账不一致"]
    text = next(c for c in redline.changes if c.key == "s5.p0")
    assert [c.text for c in text.answers] == ["写具体"]
    assert any(s.op == "insert" and "制定模板" in s.text for s in text.segments)
    assert any(s.op == "delete" for s in text.segments)
    assert [c.text for c in redline.unanswered] == ["核对复议数"]
    assert {c.key for c in redline.changes} == {CELL, "s5.p0"}


def test_submission_is_blocked_while_something_is_missing_or_wrong(report, people):
    section = ReportSection.objects.get(report=report, key="s3")
    section.values = {k: v for k, v in section.values.items() if k != "s3.R1.A"}
    section.raw = {"s3.R1.B": "十二"}
    section.save()
    texts = ReportSection.objects.get(report=report, key="s1")
    texts.texts = {**texts.texts, "s1.p1": ""}
    texts.save()
    with pytest.raises(SubmissionBlocked) as blocked:
        report_submit(report=report, by=people.filler)
    messages = [p.message for p in blocked.value.problems]
    assert any("未填写" in m for m in messages)
    assert any("“十二”无法识别" in m for m in messages)
    assert {p.section_key for p in blocked.value.problems} >= {"s1", "s3"}
    assert all(p.url.startswith(f"/reports/{report.pk}/") for p in blocked.value.problems)
    report.refresh_from_db()
    assert report.status == S.DRAFT and not report.events.filter(kind=E.SUBMITTED).exists()


def test_a_hard_rule_failure_blocks_and_a_soft_warning_needs_an_explanation(report, people):
    original = ReportSection.objects.get(report=report, key="s3").values["s3.R4.A"]
    save_cell(report, people.filler, "s3.R4.A", "999")  # 结转下年度 breaks the balance
    with pytest.raises(SubmissionBlocked) as blocked:
        report_submit(report=report, by=people.filler)
    assert any(p.message.startswith("错误：") for p in blocked.value.problems)

    save_cell(report, people.filler, "s3.R4.A", str(original))
    text = ReportSection.objects.get(report=report, key="s1")
    save_text(report, people.filler, "s1.p2", text.texts["s1.p2"].replace("共收到政府信息公开申请", "共收到申请约") +
              "共收到政府信息公开申请99999件。")
    problems = submission_problems(report)
    assert problems and all(p.message.startswith("预警未说明") for p in problems)
    rule_ids = [w.rule_id for w in report_check(report).soft_warnings]
    report_explanations_save(report=report, explanations={r: "口径不同，已核实。" for r in rule_ids}, by=people.filler)
    report.refresh_from_db()
    report_submit(report=report, by=people.filler)
    assert report.status == S.PENDING_HEAD


def test_returning_needs_a_reason_and_known_targets(report, people):
    report_submit(report=report, by=people.filler)
    with pytest.raises(ReportError, match="退回理由"):
        report_return(report=report, by=people.head, reason="  ", comments=[])
    with pytest.raises(ReportError, match="不存在"):
        report_return(report=report, by=people.head, reason="理由", comments=[{"target": "s9.x", "text": "?"}])
    report.refresh_from_db()
    assert report.status == S.PENDING_HEAD and not ReviewComment.objects.exists()


def test_withdraw_only_before_the_first_reviewer_acts(report, people):
    report_submit(report=report, by=people.filler)
    report_withdraw(report=report, by=people.filler)
    assert report.status == S.DRAFT
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    with pytest.raises(ReportError, match="部门负责人已审核通过，不能再撤回"):
        report_withdraw(report=report, by=people.filler)


def test_a_stale_page_is_refused_with_what_happened(report, people):
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, expected_status=S.PENDING_HEAD, comment="同意。", confirmed=ALL_POINTS)
    with pytest.raises(ReportError) as refused:
        report_return(report=report, by=people.head, reason="晚了", expected_status=S.PENDING_HEAD)
    assert people.head.display_name in refused.value.message
    assert "部门负责人审核通过" in refused.value.message and "待主管主任审核" in refused.value.message
    report.refresh_from_db()
    assert report.status == S.PENDING_DIRECTOR


def test_a_comment_needs_a_place(report, people):
    report_submit(report=report, by=people.filler)
    with pytest.raises(ReportError, match="第 1 条意见没有选择针对的位置"):
        report_return(report=report, by=people.head, reason="理由", comments=[{"target": "", "text": "笼统"}])
    report.refresh_from_db()
    assert report.status == S.PENDING_HEAD


def test_an_approval_reads_the_report_under_its_lock_once_and_writes_its_notices_in_one_insert(report, people):
    """The service locks the report and the transition moves that very row (it is not read again); the
    主管主任's approval tells the fillers and the district's administrators in one insert, one notice each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import RoleAssignmentFactory

    second_filler = RoleAssignmentFactory(user__username="t.filler2", role="filler", body=people.body).user
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意", confirmed=ALL_POINTS)
    with CaptureQueriesContext(connection) as queries:
        report_approve(report=report, by=people.director, comment="同意发布", confirmed=ALL_POINTS)
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum(s.startswith('SELECT "reports_annualreport"') and "FOR UPDATE" in s for s in sql) == 1
    assert sum(s.startswith('INSERT INTO "review_notification"') for s in sql) == 1
    told = Notification.objects.filter(kind="approved", report=report)
    assert sorted(told.values_list("recipient", flat=True)) == sorted([people.filler.pk, second_filler.pk,
                                                                      people.admin.pk])
    assert all(n.created_at and n.title == f"{report.title}已批准，待发布" for n in told)
    report.refresh_from_db()
    assert report.status == S.APPROVED and report.events.filter(kind=E.APPROVED_DIRECTOR).count() == 1
