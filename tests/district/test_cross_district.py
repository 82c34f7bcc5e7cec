"""Who manages whom across two districts (issue 11.3).

A person is managed only by the 区管理员 of a district where they hold a role today; a 区管理员 only
by the 区管理员 of their own district. A role held in the past gives no power over anyone: the
administrator of 东城 once could reset the password of 西城's administrator, who had been a filler in
东城, and read every district's sign-ins in the 安全日志.
"""

from datetime import date

import pytest
from django.urls import reverse

from agencies.admin_selectors import assignments_in
from agencies.models import AdminAction, Body, Role, SecurityEvent, User
from agencies.selectors import user_roles
from agencies.services import security_event_record
from tests.factories import BodyFactory, DistrictFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(people):
    """东城 (people.district) and 西城, with people whose roles cross the border."""
    xicheng = DistrictFactory(code="110102", name="北京市西城区")
    xi_body = BodyFactory(code="xichang", name="西长安街街道办事处", district=xicheng)
    # 西城's administrator was a filler in 东城 until 2024.
    admin2 = RoleAssignmentFactory(user__username="x.admin", district_admin=True, district=xicheng).user
    RoleAssignmentFactory(user=admin2, role=Role.FILLER, body=people.body, start_date=date(2020, 1, 1),
                          end_date=date(2024, 12, 31))
    # A filler who moved from 东城 to 西城.
    mover = RoleAssignmentFactory(user__username="x.mover", role=Role.FILLER, body=xi_body).user
    RoleAssignmentFactory(user=mover, role=Role.FILLER, body=people.other_body, start_date=date(2019, 1, 1),
                          end_date=date(2023, 6, 30))
    # Someone who fills in for a body of each district today.
    both = RoleAssignmentFactory(user__username="x.both", role=Role.FILLER, body=xi_body).user
    RoleAssignmentFactory(user=both, role=Role.FILLER, body=people.other_body)
    # 西城's second administrator also still holds a filler role in 东城: an administrator is
    # managed by their own district only.
    admin2b = RoleAssignmentFactory(user__username="x.admin2", district_admin=True, district=xicheng).user
    RoleAssignmentFactory(user=admin2b, role=Role.FILLER, body=people.body)
    # 东城's second administrator.
    admin1b = RoleAssignmentFactory(user__username="t.admin2", district_admin=True, district=people.district).user
    return {"admin1": people.admin, "admin1b": admin1b, "filler1": people.filler, "admin2": admin2,
            "admin2b": admin2b, "mover": mover, "both": both}


# (actor, target): may the actor manage the target?
MATRIX = [
    ("admin1", "filler1", True),
    ("admin1", "admin1b", True),
    ("admin1", "admin2", False),  # held a role in 东城 once: not any more
    ("admin1", "admin2b", False),  # a 西城 administrator, although a filler in 东城 today
    ("admin1", "mover", False),  # moved to 西城
    ("admin1", "both", True),
    ("admin2", "filler1", False),
    ("admin2", "admin2b", True),
    ("admin2", "admin1", False),
    ("admin2", "mover", True),
    ("admin2", "both", True),
]

VIEWS = ["detail", "edit", "roles", "password", "unlock", "deactivate", "end_role"]


def _request(client, view, actor, target):
    if view == "detail":
        return client.get(reverse("agencies:person_detail", args=[target.pk]))
    if view in ("edit", "deactivate"):
        return client.post(reverse("agencies:person_update", args=[target.pk]), {
            "full_name": "被改的名字", "email": target.email, "phone": "110",
            **({} if view == "deactivate" else {"is_active": "on"})})
    if view == "roles":
        body = Body.objects.filter(district_id__in=user_roles(actor).districts).order_by("pk").first()
        return client.post(reverse("agencies:role_assign", args=[target.pk]), {
            "role": Role.DEPT_HEAD, "body": body.pk, "start_date": "2026-01-01"})
    if view == "password":
        return client.post(reverse("agencies:person_password", args=[target.pk]), {"password": ""})
    if view == "unlock":
        return client.post(reverse("agencies:user_unlock", args=[target.pk]), {"next": "/"})
    if view == "end_role":
        # One of the actor's district if there is one (a past role there is the way in that was open).
        assignment = (assignments_in(user_roles(actor).districts).filter(user=target).order_by("pk").last()
                      or target.role_assignments.order_by("pk").last())
        return client.post(reverse("agencies:role_end", args=[assignment.pk]), {"end_date": "2026-12-31"})
    raise AssertionError(view)


def _state(target):
    target = User.objects.get(pk=target.pk)
    return (target.full_name, target.phone, target.is_active, target.password,
            sorted(target.role_assignments.values_list("pk", "end_date")),
            AdminAction.objects.count(), SecurityEvent.objects.filter(kind="unlocked").count())


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("actor", "target", "allowed"), MATRIX)
def test_who_manages_whom(client, two, actor, target, allowed, view):
    actor, target = two[actor], two[target]
    client.force_login(actor)
    before = _state(target)
    response = _request(client, view, actor, target)
    if allowed:
        assert response.status_code in (200, 302), response.status_code
        if view != "detail":
            assert _state(target) != before
    else:
        assert response.status_code == 404
        assert _state(target) == before


@pytest.mark.parametrize(("actor", "target", "allowed"), MATRIX)
def test_the_people_list_and_the_permission_agree(client, two, actor, target, allowed):
    actor, target = two[actor], two[target]
    client.force_login(actor)
    html = client.get(reverse("agencies:person_list"), {"q": target.username}).content.decode()
    assert (reverse("agencies:person_detail", args=[target.pk]) in html) is allowed
    assert actor.has_perm("agencies.manage_person", target) is allowed


def test_the_body_page_links_only_to_people_this_district_manages(client, two, people):
    client.force_login(two["admin1"])
    html = client.get(reverse("agencies:body_detail", args=[people.body.code])).content.decode()
    assert reverse("agencies:person_detail", args=[two["filler1"].pk]) in html
    # 西城's administrators held or hold a role in this body; their pages are not 东城's.
    assert two["admin2"].display_name in html
    assert reverse("agencies:person_detail", args=[two["admin2"].pk]) not in html
    assert reverse("agencies:user_unlock", args=[two["admin2b"].pk]) not in html


def test_the_security_log_shows_the_districts_own_people(client, two):
    for key in ("filler1", "admin1b", "admin2", "admin2b", "mover", "both"):
        security_event_record(kind=SecurityEvent.Kind.LOGIN_SUCCESS, user=two[key])
    security_event_record(kind=SecurityEvent.Kind.LOGIN_FAILURE, username="nobody.at.all")

    def shown(admin):
        client.force_login(two[admin])
        html = client.get(reverse("agencies:security_log"), {"kind": "login_success"}).content.decode()
        return {key for key in two if f"<td>{two[key].username}</td>" in html}, html

    east, html = shown("admin1")
    assert east >= {"filler1", "admin1b", "both"}
    assert not east & {"admin2", "admin2b", "mover"}
    assert "nobody.at.all" not in html
    west, _ = shown("admin2")
    assert west >= {"admin2", "admin2b", "mover", "both"}
    assert not west & {"filler1", "admin1b", "admin1"}


def test_someone_without_a_role_today_is_managed_where_they_were(client, two, people):
    """Just created without a role, or with every role ended: the district that created them or
    where they held a role still manages them (to give them a new role), no other."""
    client.force_login(two["admin1"])
    created = client.post(reverse("agencies:person_create"), {
        "username": "n.new", "full_name": "新来的", "password": "", "role": ""})
    assert created.status_code == 200
    new = User.objects.get(username="n.new")
    retired = RoleAssignmentFactory(user__username="n.retired", role=Role.FILLER, body=people.body,
                                    end_date=date(2025, 12, 31)).user
    for person in (new, retired):
        assert client.get(reverse("agencies:person_detail", args=[person.pk])).status_code == 200
    client.force_login(two["admin2"])
    for person in (new, retired):
        assert client.get(reverse("agencies:person_detail", args=[person.pk])).status_code == 404
