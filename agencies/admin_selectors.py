"""Reads of the 区管理员 pages: the people a district manages, the change log and the security log,
scoped to districts."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from .models import AdminAction, Body, District, Role, RoleAssignment, SecurityEvent, User


def districts_of(district_ids) -> list[District]:
    return list(District.objects.filter(pk__in=district_ids).order_by("pk"))


def bodies_of(district_ids):
    return Body.objects.filter(district_id__in=district_ids)


def manageable_people(district_ids):
    """The people the 区管理员 of these districts may see and manage: one rule for every person page,
    the unlock button and the security log.

    - Someone who holds the role of 区管理员 today is managed only by the 区管理员 of that district.
    - Anyone else with a role today, by the 区管理员 of the districts of those roles (never by a district
      where they only held a role in the past).
    - Someone without a role today (just created, or whose roles have all ended), by the districts
      where they will hold a role, held one, or were created.
    """
    here = Q(body__district_id__in=district_ids) | Q(district_id__in=district_ids)
    roles = RoleAssignment.objects.filter(user=OuterRef("pk"))
    today = roles.current(timezone.localdate())
    admin_today = today.filter(role=Role.DISTRICT_ADMIN)
    created_here = AdminAction.objects.filter(person=OuterRef("pk"), kind=AdminAction.Kind.PERSON_CREATED,
                                              district_id__in=district_ids)
    return User.objects.filter(
        Exists(admin_today.filter(district_id__in=district_ids))
        | (~Exists(admin_today) & Exists(today.filter(here)))
        | (~Exists(today) & (Exists(roles.filter(here)) | Exists(created_here)))
    )


def person_district(person: User, district_ids) -> District:
    """The district in whose name a change to this person is recorded: one of theirs today, if any."""
    current = RoleAssignment.objects.current().filter(user=person).filter(
        Q(body__district_id__in=district_ids) | Q(district_id__in=district_ids))
    for assignment in current.select_related("body"):
        return District.objects.get(pk=assignment.district_id or assignment.body.district_id)
    return districts_of(district_ids)[0]


def security_events(district_ids, *, kind: str = ""):
    """Sign-ins and account events of the people these districts manage (see manageable_people).
    Failed sign-ins with an unknown user name belong to no district and are not shown here."""
    events = SecurityEvent.objects.filter(user__in=manageable_people(district_ids)).select_related("user", "actor")
    if kind:
        events = events.filter(kind=kind)
    return events


def people_list(district_ids, *, query: str = ""):
    people = manageable_people(district_ids)
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
