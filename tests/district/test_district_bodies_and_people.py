"""District administration of bodies and people: services, their audit rows, and the pages."""

import io
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from openpyxl import Workbook

from agencies.admin_services import body_close, body_create, body_rename, person_create, role_assign, role_end
from agencies.errors import AdminError
from agencies.models import AdminAction, Body, Role, RoleAssignment, User
from agencies.people_import import people_import_commit, people_import_preview
from agencies.selectors import user_roles

pytestmark = pytest.mark.django_db


def test_rename_keeps_the_old_name_for_past_years_and_is_recorded(people):
    body_rename(body=people.body, new_name="东花市街道（新）", effective=date(2024, 3, 1), by=people.admin)
    body = Body.objects.prefetch_related("names").get(pk=people.body.pk)
    assert body.name == "东花市街道（新）"
    assert body.name_for_year(2022) == "东花市街道办事处"
    assert body.name_for_year(2023) == "东花市街道办事处"
    assert body.name_for_year(2024) == "东花市街道（新）"
    action = AdminAction.objects.get(kind=AdminAction.Kind.BODY_RENAMED)
    assert action.actor == people.admin and action.body == body
    assert action.data == {"from": "东花市街道办事处", "to": "东花市街道（新）", "effective": "2024-03-01"}
    # A second rename closes the first new name; the oldest stays as it was.
    body_rename(body=body, new_name="第三个名字", effective=date(2025, 1, 1), by=people.admin)
    body = Body.objects.prefetch_related("names").get(pk=people.body.pk)
    assert [body.name_for_year(y) for y in (2023, 2024, 2025)] == ["东花市街道办事处", "东花市街道（新）", "第三个名字"]
    with pytest.raises(AdminError, match="须晚于上次更名"):
        body_rename(body=body, new_name="再改", effective=date(2024, 6, 1), by=people.admin)


def test_close_ends_roles_and_refuses_twice(people):
    body_close(body=people.body, on=date(2025, 6, 30), by=people.admin)
    people.body.refresh_from_db()
    assert people.body.active_to == date(2025, 6, 30)
    assert not RoleAssignment.objects.filter(body=people.body, end_date__isnull=True).exists()
    assert user_roles(people.filler, on=date(2025, 7, 1)).body_ids(Role.FILLER) == frozenset()
    assert AdminAction.objects.filter(kind=AdminAction.Kind.BODY_CLOSED, body=people.body).count() == 1
    with pytest.raises(AdminError, match="已于2025年6月30日撤销"):
        body_close(body=people.body, on=date(2025, 7, 1), by=people.admin)


def test_body_create_refuses_a_used_code(people):
    body = body_create(district=people.district, code="new-body", name="新街道办事处", kind="street_office",
                       by=people.admin, active_from=date(2026, 1, 1))
    assert body.sort_order > people.other_body.sort_order
    with pytest.raises(AdminError, match="已被使用"):
        body_create(district=people.district, code="new-body", name="另一个", kind="street_office", by=people.admin)


def test_person_create_must_change_password_and_roles_have_periods(people):
    user, password = person_create(district=people.district, username="new.filler", full_name="新人",
                                   by=people.admin)
    assert user.must_change_password and user.check_password(password) and len(password) >= 10
    assignment = role_assign(user=user, role=Role.FILLER, body=people.body, district=people.district,
                             start_date=date(2025, 1, 1), by=people.admin)
    with pytest.raises(AdminError, match="已担任该角色"):
        role_assign(user=user, role=Role.FILLER, body=people.body, district=people.district,
                    start_date=date(2025, 6, 1), by=people.admin)
    role_end(assignment=assignment, end_date=date(2025, 12, 31), by=people.admin, district=people.district)
    assert user_roles(user, on=date(2025, 12, 31)).body_ids(Role.FILLER) == {people.body.pk}
    assert user_roles(user, on=date(2026, 1, 1)).body_ids(Role.FILLER) == frozenset()
    kinds = list(AdminAction.objects.filter(person=user).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["person_created", "role_assigned", "role_ended"]
    assert "password" not in str(AdminAction.objects.get(kind="person_created").data.get("username"))
    with pytest.raises(AdminError, match="不符合要求"):
        person_create(district=people.district, username="weak", full_name="弱", password="abc", by=people.admin)


def _xlsx(rows, header=("登录名", "姓名", "单位代码", "角色", "电子邮箱", "起始日期")) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_import_preview_lists_every_row_error_and_stores_nothing(people):
    content = _xlsx([
        ("a.one", "甲", "donghuashi", "填报人", "a@example.gov.cn", "2026-01-01"),
        ("a.one", "乙", "tiantan", "部门负责人", "", ""),
        ("t.filler", "丙", "nowhere", "管理员", "", "2026/13/40"),
        ("", "丁", "donghuashi", "主管主任", "", date(2026, 2, 1)),
    ])
    before = User.objects.count()
    preview = people_import_preview(district=people.district, content=content)
    assert not preview.ok and preview.error_count == 3
    errors = {row.line: " ".join(row.errors) for row in preview.rows}
    assert errors[2] == ""
    assert "与第 2 行重复" in errors[3]
    assert "已存在" in errors[4] and "不是本区的单位" in errors[4] and "无法识别" in errors[4]
    assert "“登录名”不能为空" in errors[5]
    assert User.objects.count() == before and not AdminAction.objects.exists()


def test_import_refuses_a_file_that_is_not_xlsx(people):
    preview = people_import_preview(district=people.district, content=b"not a zip at all")
    assert preview.errors[0].startswith("无法读取该文件：文件已损坏或不是 .xlsx 格式")
    preview = people_import_preview(district=people.district, content=_xlsx([], header=("姓名",)))
    assert "缺少列：登录名、单位代码、角色" in preview.errors[0]


def test_import_commit_creates_people_with_roles_in_one_go(people):
    content = _xlsx([("b.one", "甲", "donghuashi", "填报人", "", "2026-01-01"),
                     ("b.two", "乙", "tiantan", "主管主任", "", "")])
    preview = people_import_preview(district=people.district, content=content)
    assert preview.ok
    created = people_import_commit(district=people.district, rows=preview.as_session(), by=people.admin)
    assert [u.username for u, _ in created] == ["b.one", "b.two"]
    one = User.objects.get(username="b.one")
    assert one.must_change_password and one.check_password(created[0][1])
    assert RoleAssignment.objects.get(user=one).start_date == date(2026, 1, 1)
    assert AdminAction.objects.filter(kind=AdminAction.Kind.PEOPLE_IMPORTED).count() == 1
    # Confirming the same rows again is refused as a whole: nobody is created twice.
    with pytest.raises(AdminError):
        people_import_commit(district=people.district, rows=preview.as_session(), by=people.admin)
    assert User.objects.filter(username__startswith="b.").count() == 2


# ------------------------------------------------------------------------------------------- pages


def test_pages_rename_and_close_a_body(client, people):
    client.force_login(people.admin)
    url = reverse("agencies:body_rename", args=["donghuashi"])
    response = client.post(url, {"new_name": "东花市新名", "effective": "2025-01-01"}, follow=True)
    assert "此前年度的报告仍使用原名称" in response.content.decode()
    assert "东花市街道办事处" in response.content.decode()  # the history table
    response = client.post(reverse("agencies:body_close", args=["donghuashi"]), {"active_to": "2025-12-31"})
    assert response.status_code == 400 and "我确认撤销该单位" in response.content.decode()
    client.post(reverse("agencies:body_close", args=["donghuashi"]), {"active_to": "2025-12-31", "confirm": "on"})
    assert Body.objects.get(code="donghuashi").active_to == date(2025, 12, 31)
    log = client.get(reverse("agencies:change_log")).content.decode()
    assert "单位更名" in log and "撤销单位" in log


def test_page_create_person_shows_the_password_once(client, people):
    client.force_login(people.admin)
    response = client.post(reverse("agencies:person_create"), {
        "username": "page.person", "full_name": "页面新人", "email": "", "phone": "", "password": "",
        "body": people.body.pk, "role": Role.DIRECTOR, "start_date": "2026-01-01"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    user = User.objects.get(username="page.person")
    password = unescape(html.split('id="initial-password">')[1].split("<")[0])
    assert user.check_password(password)
    assert user_roles(user, on=date(2026, 1, 2)).body_ids(Role.DIRECTOR) == {people.body.pk}
    detail = client.get(reverse("agencies:person_detail", args=[user.pk])).content.decode()
    assert password not in detail and "首次登录须修改密码" in detail


def test_admin_of_another_district_cannot_touch_people_or_bodies(client, people):
    from tests.factories import DistrictFactory, RoleAssignmentFactory

    other = RoleAssignmentFactory(district_admin=True, district=DistrictFactory(code="110102", name="西城区")).user
    client.force_login(other)
    assert client.get(reverse("agencies:person_detail", args=[people.filler.pk])).status_code == 404
    assert client.post(reverse("agencies:body_rename", args=["donghuashi"]),
                       {"new_name": "x", "effective": "2025-01-01"}).status_code == 404
    assignment = RoleAssignment.objects.get(user=people.filler)
    assert client.post(reverse("agencies:role_end", args=[assignment.pk]), {"end_date": "2025-01-01"}).status_code == 404
    assert "t.filler" not in client.get(reverse("agencies:person_list")).content.decode()
