"""Reads about people and bodies. Role lookups are cached on the user for one request."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from config.compiled import CompiledQuery

from .models import District, Role, RoleAssignment, User


@dataclass(frozen=True)
class RoleSet:
    """The roles a person holds today: body ids per role, district ids for 区管理员, city ids for
    市管理员 with the ids of their cities' districts (which a 市管理员 reads but does not manage)."""

    bodies: dict[str, frozenset[int]] = field(default_factory=dict)
    districts: frozenset[int] = frozenset()
    cities: frozenset[int] = frozenset()
    city_districts: frozenset[int] = frozenset()

    def body_ids(self, role: str) -> frozenset[int]:
        return self.bodies.get(role, frozenset())

    def holds(self, role: str) -> bool:
        if role == Role.DISTRICT_ADMIN:
            return bool(self.districts)
        if role == Role.CITY_ADMIN:
            return bool(self.cities)
        return bool(self.body_ids(role))

    @property
    def readable_districts(self) -> frozenset[int]:
        """The districts whose progress and summary this person may read: their own, and their cities'."""
        return self.districts | self.city_districts

    @property
    def is_empty(self) -> bool:
        return not self.districts and not self.cities and not any(self.bodies.values())


def user_roles(user: User, *, on: date | None = None) -> RoleSet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RoleSet()
    day = on or timezone.localdate()
    cache_key = f"_roles_{day.isoformat()}"
    cached = getattr(user, cache_key, None)
    if cached is not None:
        return cached
    bodies: dict[str, set[int]] = {}
    districts: set[int] = set()
    cities: set[int] = set()
    for role, body_id, district_id, city_id in _ROLES.rows(user=user.pk, day=day):
        if role == Role.DISTRICT_ADMIN:
            districts.add(district_id)
        elif role == Role.CITY_ADMIN:
            cities.add(city_id)
        else:
            bodies.setdefault(role, set()).add(body_id)
    city_districts = District.objects.filter(city_id__in=cities).values_list("pk", flat=True) if cities else []
    roles = RoleSet(bodies={k: frozenset(v) for k, v in bodies.items()}, districts=frozenset(districts),
                    cities=frozenset(cities), city_districts=frozenset(city_districts))
    setattr(user, cache_key, roles)
    return roles


# Asked on every page a signed-in person opens: compiled once a process (config/compiled.py).
_ROLES = CompiledQuery(lambda user, day: RoleAssignment.objects.current(day).filter(user_id=user)
                       .values_list("role", "body_id", "district_id", "city_id"))


def role_assignments_of(user: User):
    return RoleAssignment.objects.filter(user=user).select_related("body", "district", "city").order_by("-end_date", "role")
