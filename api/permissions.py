"""Who may open the 「接口令牌」 page: a 区管理员 or a 市管理员 (which tokens: api.access)."""

import rules

from agencies.permissions import is_city_admin, is_district_admin

rules.add_perm("api.manage_tokens", is_district_admin | is_city_admin)
