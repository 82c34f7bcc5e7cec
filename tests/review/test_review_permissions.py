"""Every transition tried as every role, in every state: only the allowed ones succeed, and a
refused one changes nothing (status, timeline, notices, comments) and says why in Chinese."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from agencies.models import Role
from reports.errors import ReportError
from reports.models import ReportStatus
from reports.review.models import Notification, ReviewComment
from reports.review.secrecy import ALL_POINTS
from reports.review.services import report_approve, report_return, report_submit, report_withdraw
from reports.selectors import ReportContent
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.review.conftest import CELL, save_cell

pytestmark = pytest.mark.django_db
S = ReportStatus

ROLES = ["filler", "head", "director", "admin", "anonymous", "other_body", "filler_and_head"]
STATES = [S.DRAFT, S.PENDING_HEAD, S.PENDING_DIRECTOR, S.RETURNED, S.APPROVED]
ACTIONS = {
    "submit": lambda report, by: report_submit(report=report, by=by),
    "withdraw": lambda report, by: report_withdraw(report=report, by=by),
    "approve": lambda report, by: report_approve(report=report, by=by, comment="同意", confirmed=ALL_POINTS),
    "return": lambda report, by: report_return(report=report, by=by, reason="请修改",
                                               comments=[{"target": CELL, "text": "核实"}]),
}
# (state, action) -> the roles that may; everything else is refused.
ALLOWED = {
    (S.DRAFT, "submit"): {"filler", "filler_and_head"},
    (S.RETURNED, "submit"): {"filler", "filler_and_head"},
    (S.PENDING_HEAD, "withdraw"): {"filler", "filler_and_head"},
    # filler_and_head edited the report: holding the head role does not let them review it.
    (S.PENDING_HEAD, "approve"): {"head"},
    (S.PENDING_HEAD, "return"): {"head"},
    (S.PENDING_DIRECTOR, "approve"): {"director"},
    (S.PENDING_DIRECTOR, "return"): {"director"},
}
TARGET = {
    (S.DRAFT, "submit"): S.PENDING_HEAD, (S.RETURNED, "submit"): S.PENDING_HEAD,
    (S.PENDING_HEAD, "withdraw"): S.DRAFT, (S.PENDING_HEAD, "approve"): S.PENDING_DIRECTOR,
    (S.PENDING_HEAD, "return"): S.RETURNED, (S.PENDING_DIRECTOR, "approve"): S.APPROVED,
    (S.PENDING_DIRECTOR, "return"): S.RETURNED,
}


@pytest.fixture
def cast(people):
    both = UserFactory(username="t.both", full_name="身兼两职")
    RoleAssignmentFactory(user=both, role=Role.FILLER, body=people.body)
    RoleAssignmentFactory(user=both, role=Role.DEPT_HEAD, body=people.body)
    return {"filler": people.filler, "head": people.head, "director": people.director, "admin": people.admin,
            "anonymous": AnonymousUser(), "other_body": people.other_filler, "filler_and_head": both}


def bring_to(report, state, people, cast):
    # The person with both roles edits the report (a value that differs from the generated one).
    current = ReportContent.of(report).values.get(CELL) or 0
    assert save_cell(report, cast["filler_and_head"], CELL, str(current + 1)).changed
    if state == S.DRAFT:
        return
    report_submit(report=report, by=people.filler)
    if state == S.PENDING_HEAD:
        return
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    if state == S.PENDING_DIRECTOR:
        return
    if state == S.RETURNED:
        report_return(report=report, by=people.director, reason="退回")
        return
    report_approve(report=report, by=people.director, comment="同意。", confirmed=ALL_POINTS)


def snapshot(report):
    report.refresh_from_db()
    return (report.status, list(report.events.values_list("pk", flat=True)), Notification.objects.count(),
            ReviewComment.objects.count())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", STATES)
def test_transition_matrix(report, people, cast, state, action, role):
    bring_to(report, state, people, cast)
    assert report.status == state
    before = snapshot(report)
    if role in ALLOWED.get((state, action), set()):
        ACTIONS[action](report, cast[role])
        report.refresh_from_db()
        assert report.status == TARGET[(state, action)]
        assert report.events.order_by("-pk").first().actor == cast[role]
    else:
        with pytest.raises(ReportError) as refused:
            ACTIONS[action](report, cast[role])
        assert refused.value.message and any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
        assert snapshot(report) == before


@pytest.mark.parametrize(("role", "message"), [
    ("admin", "区管理员可以查看所有报告，但不参与审核"),
    ("filler_and_head", "须回避"),
    ("director", "由本单位的部门负责人进行"),
    ("anonymous", "请先登录"),
    ("other_body", "无权处理"),
])
def test_refusals_say_why(report, people, cast, role, message):
    bring_to(report, S.PENDING_HEAD, people, cast)
    with pytest.raises(ReportError, match=message):
        report_approve(report=report, by=cast[role], comment="同意。", confirmed=ALL_POINTS)


def test_the_level_one_approver_cannot_also_approve_level_two(report, people):
    RoleAssignmentFactory(user=people.head, role=Role.DIRECTOR, body=people.body)
    report_submit(report=report, by=people.filler)
    report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    with pytest.raises(ReportError, match="第二级审核须由另一人进行"):
        report_approve(report=report, by=people.head, comment="同意。", confirmed=ALL_POINTS)
    assert snapshot(report)[0] == S.PENDING_DIRECTOR


VIEW_CASES = [
    (S.DRAFT, "submit", "review:submit"), (S.PENDING_HEAD, "withdraw", "review:withdraw"),
    (S.PENDING_HEAD, "approve", "review:approve"), (S.PENDING_HEAD, "return", "review:return"),
    (S.PENDING_DIRECTOR, "approve", "review:approve"), (S.PENDING_DIRECTOR, "return", "review:return"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("state", "action", "url_name"), VIEW_CASES)
def test_the_action_pages(client, report, people, cast, state, action, url_name, role):
    """Through the pages: anonymous goes to the login page, another body's person gets a 404,
    everyone else refused sees the reason as a message; nothing changes."""
    bring_to(report, state, people, cast)
    before = snapshot(report)
    if role != "anonymous":
        client.force_login(cast[role])
    response = client.post(reverse(url_name, args=[report.pk]), {
        "expected_status": state, "reason": "请修改", "comment_target_0": CELL, "comment_text_0": "核实",
        "comment": "经保密审查，同意。", "points": list(ALL_POINTS),
    }, follow=True)
    if role in ALLOWED[(state, action)]:
        assert snapshot(report)[0] == TARGET[(state, action)]
        return
    assert snapshot(report) == before
    if role == "anonymous":
        assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    elif role == "other_body":
        assert response.status_code == 404
    else:
        page = response.content.decode()
        assert response.status_code == 200 and 'class="alert alert-danger"' in page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", [S.PENDING_HEAD, S.PENDING_DIRECTOR])
def test_approving_in_place_for_every_role(client, report, people, cast, state, role):
    """审核通过 posted by the page's htmx: the allowed approve and get the page's new actions; anyone
    else is sent to a whole page (HX-Redirect: the login page, back to this one, or the review page
    saying why) or gets the 404 of another body; nothing changes for them."""
    bring_to(report, state, people, cast)
    before = snapshot(report)
    if role != "anonymous":
        client.force_login(cast[role])
    page_url = f"http://testserver{reverse('review:report', args=[report.pk])}"
    response = client.post(reverse("review:approve", args=[report.pk]), {
        "expected_status": state, "comment": "经保密审查，同意。", "points": list(ALL_POINTS),
    }, headers={"HX-Request": "true", "HX-Current-URL": page_url})
    if role in ALLOWED[(state, "approve")]:
        assert snapshot(report)[0] == TARGET[(state, "approve")]
        assert response.status_code == 200 and response["HX-Retarget"] == "#review-actions"
        assert "审核通过。" in response.content.decode()
        return
    assert snapshot(report) == before
    if role == "other_body":
        assert response.status_code == 404
        return
    assert response.status_code == 204 and "HX-Retarget" not in response
    if role == "anonymous":
        assert response["HX-Redirect"] == f"{reverse('accounts:login')}?next=%2Freview%2F{report.pk}%2F"
    else:
        assert response["HX-Redirect"] == reverse("review:report", args=[report.pk])
        shown = client.get(response["HX-Redirect"]).content.decode()
        assert 'class="alert alert-danger"' in shown, shown[shown.index('id="messages"'):][:600]


def test_a_login_redirect_for_htmx_never_returns_to_another_site(client, report):
    response = client.post(reverse("review:approve", args=[report.pk]), {}, headers={
        "HX-Request": "true", "HX-Current-URL": "https://evil.example/phish/"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")  # then the workspace: never that site


def test_the_status_poll_after_the_session_ended_swaps_nothing(client, report):
    """The review page's status badge asks by itself (htmx, every few seconds); once the session has
    ended it gets nothing to put in the badge's place (not the login page), and no redirect."""
    url = reverse("review:status", args=[report.pk])
    response = client.get(url, headers={"HX-Request": "true", "X-Nianbao-Poll": "1"})
    assert response.status_code == 204 and not response.content
    assert "Location" not in response and "HX-Redirect" not in response
    assert client.get(url).status_code == 302  # without htmx: the login page, as any page
