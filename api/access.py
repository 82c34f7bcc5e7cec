"""Who issues, sees and revokes which API tokens (the 「接口令牌」 page and its services).

- A 区管理员 issues district tokens for their own district and revokes them.
- A 市管理员 issues city tokens for all or some of their city's districts and revokes them.
- Each sees every token that reads a district within their reach (so a district knows who reads its
  data), but revokes only the tokens of their own level: a 区管理员 never revokes the city's token,
  and a 市管理员 never a district's (the city reads the districts, it does not manage them).
- Nobody issues a token for a district outside their reach.
"""

from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from agencies.errors import AdminError
from agencies.models import City, District, User
from agencies.selectors import user_roles

from .models import ApiToken

OUTSIDE = "不能为您管理范围以外的区创建令牌：只能选择本区（区管理员）或本市各区（市管理员）。"


@dataclass(frozen=True)
class TokenReach:
    districts: frozenset[int]  # as 区管理员
    cities: frozenset[int]  # as 市管理员
    city_districts: frozenset[int]  # the districts of those cities

    @property
    def is_empty(self) -> bool:
        return not self.districts and not self.cities

    @property
    def district_ids(self) -> frozenset[int]:
        """The districts this person may issue a token for (and whose tokens they see)."""
        return self.districts | self.city_districts

    def issuable(self) -> QuerySet[District]:
        return District.objects.filter(pk__in=self.district_ids).select_related("city").order_by("city__code", "code")

    def visible(self) -> QuerySet[ApiToken]:
        reading = ApiToken.objects.filter(districts__in=self.district_ids).values("pk")
        return (ApiToken.objects.filter(pk__in=reading)
                .select_related("created_by", "revoked_by", "city").prefetch_related("districts")
                .annotate(call_count=Count("calls"), last_used=Max("calls__created_at")))

    def manages(self, token: ApiToken) -> bool:
        if token.city_id is not None:
            return token.city_id in self.cities
        ids = {d.pk for d in token.districts.all()}
        return bool(ids) and ids <= self.districts

    def issuer(self, districts: list[District]) -> City | None:
        """The city a token for these districts is issued for (None: a district token), or AdminError."""
        ids = {d.pk for d in districts}
        if not ids:
            raise AdminError("请至少选择一个区。")
        if ids <= self.districts:
            return None
        cities = {d.city_id for d in districts}
        if len(cities) == 1 and None not in cities and cities <= self.cities:
            return City.objects.get(pk=cities.pop())
        if ids <= self.district_ids:
            raise AdminError("一个令牌只能读取同一个市的区：请分别创建。")
        raise AdminError(OUTSIDE)


def token_reach(user: User) -> TokenReach:
    roles = user_roles(user)
    return TokenReach(roles.districts, roles.cities, roles.city_districts)
