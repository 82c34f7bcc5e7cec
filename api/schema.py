"""The OpenAPI description of the bearer token (drf-spectacular extension, loaded by ApiConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.BearerTokenAuthentication"
    name = "BearerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "区管理员在「单位与人员 › 接口令牌」、市管理员在「全市 › 接口令牌」创建的令牌："
                                "Authorization: Bearer nb_…"}
