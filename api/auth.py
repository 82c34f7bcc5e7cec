"""Who calls the API and how often: a bearer token (Authorization: Bearer nb_…), its scopes, and a
rate limit per token. Every refusal is a JSON error: 401 (no, unknown, revoked or expired token,
with WWW-Authenticate), 403 (a scope the token lacks), 429 (too many calls, with Retry-After)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling

from .models import ApiToken, Scope
from .services import token_for_secret


@dataclass(frozen=True)
class ApiClient:
    """The caller of an API request (request.user): the token and the districts it reads."""

    token: ApiToken
    district_ids: frozenset[int]

    is_authenticated = True
    is_anonymous = False
    pk = None  # not a person: the logs' user_id stays empty (the call's record names the token)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("令牌格式不正确：应为 Authorization: Bearer <令牌>。")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("令牌无效。") from None
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效。")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("令牌已被吊销。")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("令牌已过期。")
        request._api_token = token  # for the call record (api.views.ApiView)
        return ApiClient(token, frozenset(d.pk for d in token.districts.all())), token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class HasScope(permissions.BasePermission):
    """The view's `required_scope` must be among the token's scopes."""

    message = "此令牌没有访问该接口的权限范围。"

    def has_permission(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return False
        return client.token.has_scope(getattr(view, "required_scope", Scope.READ))


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """At most NIANBAO_API_RATE calls per token (e.g. "120/min"), counted in the shared cache (Redis)."""

    scope = "api_token"

    def get_rate(self):
        return settings.NIANBAO_API_RATE

    def get_cache_key(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.token.pk}
