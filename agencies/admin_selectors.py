"""Reads of the 区管理员 pages: the people of a district and the change log, scoped to districts."""

from django.db.models import Prefetch, Q

from .models import AdminAction, Body, District, RoleAssignment, User


def districts_of(district_ids) -> list[District]:
    return list(District.objects.filter(pk__in=district_ids).order_by("pk"))


def bodies_of(district_ids):
    return Body.objects.filter(district_id__in=district_ids)


def people_of(district_ids):
    """Everyone who holds or held a role in the districts' bodies or districts, or was created there."""
    ids = User.objects.filter(
        Q(role_assignments__body__district_id__in=district_ids)
        | Q(role_assignments__district_id__in=district_ids)
        | Q(admin_actions__district_id__in=district_ids, admin_actions__kind=AdminAction.Kind.PERSON_CREATED)
    ).values("pk")
    return User.objects.filter(pk__in=ids)


def people_list(district_ids, *, query: str = ""):
    people = people_of(district_ids)
    if query:
        people = people.filter(Q(username__icontains=query) | Q(full_name__icontains=query)
                               | Q(phone__icontains=query) | Q(email__icontains=query))
    return people.order_by("full_name", "username").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.current().select_related("body", "district"),
                 to_attr="current_roles"))


def assignments_in(district_ids):
    return RoleAssignment.objects.filter(
        Q(body__district_id__in=district_ids) | Q(district_id__in=district_ids)
    ).select_related("user", "body", "district")


def admin_actions(district_ids, *, kind: str = "", body: Body | None = None, person: User | None = None):
    actions = AdminAction.objects.filter(district_id__in=district_ids).select_related("actor", "body", "person")
    if kind:
        actions = actions.filter(kind=kind)
    if body is not None:
        actions = actions.filter(body=body)
    if person is not None:
        actions = actions.filter(person=person)
    return actions
