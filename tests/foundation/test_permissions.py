"""Every view of the foundation, for every role: anonymous, filler, head, director, admin, other body."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "filler", "head", "director", "admin", "other_filler"]
# view -> roles that get 200; everyone else signed in gets 403, anonymous goes to the login page.
VIEWS = {
    ("workspace", ()): {"filler", "head", "director", "admin", "other_filler"},
    ("agencies:body_list", ()): {"admin"},
    ("agencies:body_detail", ("donghuashi",)): {"admin"},
    ("agencies:security_log", ()): {"admin"},
    ("agencies:body_create", ()): {"admin"},
    ("agencies:person_list", ()): {"admin"},
    ("agencies:person_create", ()): {"admin"},
    ("agencies:people_import", ()): {"admin"},
    ("agencies:people_import_template", ()): {"admin"},
    ("agencies:change_log", ()): {"admin"},
    ("accounts:password_change", ()): {"filler", "head", "director", "admin", "other_filler"},
}


def _client_for(client, people, role):
    if role != "anonymous":
        client.force_login(getattr(people, role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("view", "args"), list(VIEWS))
def test_view_access(client, people, role, view, args):
    response = _client_for(client, people, role).get(reverse(view, args=args))
    if role in VIEWS[(view, args)]:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_unlock_is_for_the_district_administrator_only(client, people, role):
    response = _client_for(client, people, role).post(reverse("agencies:user_unlock", args=[people.filler.pk]))
    if role == "admin":
        assert response.status_code == 302
    elif role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 403


def test_unlock_needs_post(client, people):
    client.force_login(people.admin)
    assert client.get(reverse("agencies:user_unlock", args=[people.filler.pk])).status_code == 405


def test_unlock_requires_csrf_token(people):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(people.admin)
    response = csrf_client.post(reverse("agencies:user_unlock", args=[people.filler.pk]))
    assert response.status_code == 403


def test_admin_of_another_district_sees_no_body(client, people):
    from tests.factories import DistrictFactory, RoleAssignmentFactory

    other_district = DistrictFactory(code="110102", name="北京市西城区")
    other_admin = RoleAssignmentFactory(district_admin=True, district=other_district).user
    client.force_login(other_admin)
    assert client.get(reverse("agencies:body_detail", args=["donghuashi"])).status_code == 404
    assert "东花市" not in client.get(reverse("agencies:body_list")).content.decode()


def test_ended_role_no_longer_counts(client, people):
    from datetime import date

    from agencies.models import RoleAssignment

    RoleAssignment.objects.filter(user=people.admin).update(end_date=date(2020, 12, 31))
    client.force_login(people.admin)
    assert client.get(reverse("agencies:body_list")).status_code == 403


def test_only_one_navigation_entry_is_marked_as_the_current_page(client, people):
    client.force_login(people.admin)
    page = client.get(reverse("district:years")).content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'aria-current="page">报告年度<' in page


def test_a_role_comes_from_role_assignments_never_from_django_permissions(client, people):
    """Django's model and group permissions serve the support staff's admin site only: granted to a
    filler they give no role (and are not read on their pages); a staff member keeps them."""
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    permission = Permission.objects.get(codename="view_body", content_type__app_label="agencies")
    people.filler.user_permissions.add(permission)
    filler = type(people.filler).objects.get(pk=people.filler.pk)
    assert not filler.has_perm("agencies.view_body")
    assert filler.has_perm("reports.list_reports") and not filler.has_perm("agencies.manage_district")  # the rules

    filler.is_staff = True  # support staff: Django's permissions, as Django reads them
    assert filler.has_perm("agencies.view_body")

    client.force_login(people.head)
    client.get(reverse("workspace"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("workspace")).status_code == 200
    assert not [q for q in queries.captured_queries if "auth_permission" in q["sql"]]
