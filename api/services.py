"""Issuing and revoking API tokens (a 区管理员 for their district, a 市管理员 for their city's
districts: api.access decides), and reading a presented secret.

Each write records an AdminAction (操作记录) in its transaction, in every district the token reads.
The secret exists only in the value returned by api_token_create: the database keeps its SHA-256.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from agencies.admin_services import admin_action_record
from agencies.errors import AdminError
from agencies.models import AdminAction, District, User
from config.dates import cn_date

from .access import token_reach
from .models import ApiToken, Scope

SECRET_PREFIX = "nb_"  # noqa: S105  (the public marker of a token, not a secret)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def api_token_create(*, districts: list[District], name: str, scopes: list[str], expires_at: datetime,
                     by: User) -> IssuedToken:
    """A token reading `districts`: a district token when they are the issuer's own as 区管理员, a city
    token when they are some of the districts of a city the issuer administers; else AdminError."""
    name = name.strip()
    if not name:
        raise AdminError("请填写令牌名称。")
    unknown = set(scopes) - set(Scope.values)
    if not scopes or unknown:
        raise AdminError("请至少选择一项权限范围。")
    if expires_at <= timezone.now():
        raise AdminError("有效期须晚于今天。")
    districts = sorted(set(districts), key=lambda d: d.code)
    city = token_reach(by).issuer(districts)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name, prefix=secret[:12], secret_hash=secret_digest(secret),
                                    scopes=[s for s in Scope.values if s in scopes], expires_at=expires_at,
                                    city=city, created_by=by)
    token.districts.set(districts)
    reads = "、".join(d.name for d in districts)
    for district in districts:
        summary = f"创建接口令牌“{name}”（{token.prefix}…），有效期至{cn_date(expires_at)}"
        if city is not None:
            summary += f"；{city.name}的令牌，可读取{reads}"
        admin_action_record(district=district, actor=by, kind=AdminAction.Kind.API_TOKEN_CREATED, summary=summary,
                            data={"token": token.pk, "scopes": token.scopes, "expires_at": expires_at.isoformat(),
                                  "city": city.code if city else None, "districts": [d.code for d in districts]})
    return IssuedToken(token, secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not token_reach(by).manages(token):
        raise AdminError(f"令牌“{token.name}”不是您这一级签发的，只有{_manager(token)}可以吊销。")
    if token.revoked_at is not None:
        raise AdminError(f"令牌“{token.name}”已于此前吊销。")
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    for district in token.districts.all():
        admin_action_record(district=district, actor=by, kind=AdminAction.Kind.API_TOKEN_REVOKED,
                            summary=f"吊销接口令牌“{token.name}”（{token.prefix}…）", data={"token": token.pk})
    return token


def _manager(token: ApiToken) -> str:
    if token.city is not None:
        return f"{token.city.name}的市管理员"
    return "、".join(d.name for d in token.districts.all()) + "的区管理员"


def token_for_secret(secret: str) -> ApiToken | None:
    """The token a presented secret belongs to, whatever its state (None: no such token)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    return ApiToken.objects.filter(secret_hash=secret_digest(secret)).prefetch_related("districts").first()
