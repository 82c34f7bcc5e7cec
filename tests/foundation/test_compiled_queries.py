"""The queries compiled once a process (config/compiled.py) answer as the querysets they were built
from, for every person and day, and fall back to the queryset when a value cannot be put in."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import RoleAssignment, User
from agencies.selectors import user_roles
from config.compiled import CompiledQuery
from reports.review.models import Notification
from reports.review.notifications import unread_count
from reports.review.selectors import _holders, holders_of
from tests.factories import BodyFactory, RoleAssignmentFactory, UserFactory
from tests.report_factories import AnnualReportFactory

pytestmark = pytest.mark.django_db


def _roles_by_orm(user, day):
    return sorted(RoleAssignment.objects.current(day).filter(user=user)
                  .values_list("role", "body_id", "district_id", "city_id"), key=str)


def test_a_persons_roles_are_those_the_queryset_finds_on_every_day_around_their_start_and_end(people):
    today = timezone.localdate()
    body = BodyFactory(district=people.district)
    starts_tomorrow = RoleAssignmentFactory(user=people.filler, role="dept_head", body=body,
                                            start_date=today + timedelta(days=1))
    ended_yesterday = RoleAssignmentFactory(user=people.filler, role="director", body=body,
                                            start_date=today - timedelta(days=9), end_date=today - timedelta(days=1))
    RoleAssignmentFactory(user=people.head, district_admin=True, district=people.district)
    seen = set()
    for user in (people.filler, people.head, people.director, people.admin):
        for day in (today - timedelta(days=1), today, today + timedelta(days=1)):
            user = User.objects.get(pk=user.pk)  # the roles are kept on the user object for a request
            roles = user_roles(user, on=day)
            found = sorted(((role, body_id, None, None) for role, ids in roles.bodies.items() for body_id in ids),
                           key=str)
            expected = [row for row in _roles_by_orm(user, day) if row[0] not in ("district_admin", "city_admin")]
            assert found == sorted(expected, key=str), (user.username, day)
            assert roles.districts == {d for r, _, d, _ in _roles_by_orm(user, day) if r == "district_admin"}
            seen |= {(role, body_id) for role, body_id, _, _ in found}
    assert ("dept_head", starts_tomorrow.body_id) in seen and ("director", ended_yesterday.body_id) in seen


def test_the_unread_badge_counts_the_persons_unread_notices_only(people):
    report = AnnualReportFactory(body=people.body)
    for recipient, read in ((people.head, None), (people.head, None), (people.head, timezone.now()),
                            (people.director, None)):
        Notification.objects.create(recipient=recipient, report=report, kind="submitted", title="t", read_at=read)
    assert unread_count(people.head) == 2
    assert unread_count(people.director) == 1
    assert unread_count(people.filler) == 0


def test_one_bodys_holders_are_those_of_the_general_query(people):
    today = timezone.localdate()
    second = UserFactory(full_name="")
    RoleAssignmentFactory(user=second, role="dept_head", body=people.body)
    RoleAssignmentFactory(user=UserFactory(is_active=False), role="dept_head", body=people.body)
    for body_id, role in ((people.body.pk, "dept_head"), (people.body.pk, "director"), (people.other_body.pk, "filler")):
        one = holders_of([body_id], [role])
        general = {}
        for b, r, pk, name, username in _holders([body_id], [role], today):
            general.setdefault((b, r), []).append((pk, name or username))
        assert one == general
    assert (second.pk, second.username) in holders_of([people.body.pk], ["dept_head"])[(people.body.pk, "dept_head")]


def test_each_call_puts_its_own_values_in_and_compiles_once(people):
    query = CompiledQuery(lambda user, day: RoleAssignment.objects.current(day).filter(user_id=user)
                          .values_list("role", "body_id"))
    day = timezone.localdate()
    assert sorted(query.rows(user=people.head.pk, day=day)) == sorted(
        RoleAssignment.objects.current(day).filter(user=people.head).values_list("role", "body_id"))
    with CaptureQueriesContext(connection) as captured:
        assert query.rows(user=people.filler.pk, day=day) == list(
            RoleAssignment.objects.current(day).filter(user=people.filler).values_list("role", "body_id"))
    assert len(query._compiled) == 1
    assert str(people.filler.pk) in captured.captured_queries[0]["sql"]
    assert query.rows(user=people.filler.pk, day=date(2000, 1, 1)) == []  # before any role started


def test_a_value_it_cannot_put_in_runs_the_queryset_instead(people):
    """A placeholder inside a longer text (here a username built from the id) is not a parameter
    _bind knows: the SQL would search for the placeholder, so the queryset is run as built."""
    user = UserFactory(username=f"u{people.head.pk}x")
    query = CompiledQuery(lambda user: User.objects.filter(username=f"u{user}x").values_list("pk"))
    sql, params, complete = query.bound(user=people.head.pk)
    assert not complete
    assert query.rows(user=people.head.pk) == [(user.pk,)]
    counted = CompiledQuery(lambda user: User.objects.filter(username=f"u{user}x").values_list("pk"), count=True)
    assert counted.value(user=people.head.pk) == 1
