"""Factories for people and bodies, and a small district with one person per role."""

from dataclasses import dataclass
from datetime import date

import factory
from factory.django import DjangoModelFactory

from agencies.models import Body, BodyKind, District, Role, RoleAssignment, User

DEFAULT_PASSWORD = "Test-Passw0rd!"


class DistrictFactory(DjangoModelFactory[District]):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    name = "北京市东城区"
    code = "110101"


class BodyFactory(DjangoModelFactory[Body]):
    class Meta:
        model = Body
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"body{n:03d}")
    name = factory.Sequence(lambda n: f"测试{n}街道办事处")
    kind = BodyKind.STREET_OFFICE
    active_from = date(2019, 1, 1)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:03d}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(DjangoModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.FILLER
    body = factory.SubFactory(BodyFactory)
    start_date = date(2019, 1, 1)

    class Params:
        district_admin = factory.Trait(
            role=Role.DISTRICT_ADMIN, body=None, district=factory.SubFactory(DistrictFactory)
        )


@dataclass
class People:
    district: District
    body: Body
    other_body: Body
    filler: User
    head: User
    director: User
    admin: User
    other_filler: User

    def by_role(self) -> dict[str, User]:
        return {"filler": self.filler, "head": self.head, "director": self.director, "admin": self.admin}


def make_district_with_people() -> People:
    district = DistrictFactory()
    body = BodyFactory(code="donghuashi", name="东花市街道办事处", district=district)
    other = BodyFactory(code="tiantan", name="天坛街道办事处", district=district)
    users = {}
    for key, role in [("filler", Role.FILLER), ("head", Role.DEPT_HEAD), ("director", Role.DIRECTOR)]:
        users[key] = RoleAssignmentFactory(user__username=f"t.{key}", role=role, body=body).user
    admin = RoleAssignmentFactory(user__username="t.admin", district_admin=True, district=district).user
    other_filler = RoleAssignmentFactory(user__username="t.other", role=Role.FILLER, body=other).user
    return People(district, body, other, users["filler"], users["head"], users["director"], admin, other_filler)
