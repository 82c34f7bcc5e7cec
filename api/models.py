"""The upper level's read-only API (/api/v1/): its tokens and the record of every call.

A token is issued with a name, scopes and an expiry; its secret is shown once and only its SHA-256
is stored (a random 256-bit secret needs no slow hash: nothing can be guessed from the digest). A
token reads the districts of its set (`districts`). A district token (`city` empty) is issued by a
区管理员 for their district and managed by that district's administrators; a city token (`city` set)
is issued by a 市管理员 for all or some of the city's districts and managed by that city's
administrators (api.access decides who sees and revokes which).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone

from agencies.models import City, District
from config.append_only import AppendOnly


class Scope(models.TextChoices):
    READ = "read", "读取：单位、年度、报告及其状态、公开数据、汇总"
    TIMELINES = "timelines", "时间线：报告的办理过程"


class ApiToken(models.Model):
    name = models.CharField("名称", max_length=100)
    # The first characters of the secret, shown in the list so a person can tell tokens apart.
    prefix = models.CharField("前缀", max_length=16)
    secret_hash = models.CharField("密钥摘要（SHA-256）", max_length=64, unique=True)
    scopes = models.JSONField("权限范围", default=list)
    # The districts the token reads: a district token, the one of its issuer; a city token, the city's chosen.
    districts = models.ManyToManyField(District, related_name="api_tokens", verbose_name="可读取的区")
    # A city token: the city whose 市管理员 issued it and manage it (empty: a district token).
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, related_name="api_tokens",
                             verbose_name="签发的市")
    expires_at = models.DateTimeField("有效期至")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="创建人")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="吊销人")

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(s, s).split("：")[0] for s in self.scopes or []]

    def state(self, now=None) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        if self.expires_at <= (now or timezone.now()):
            return "已过期"
        return "有效"


class ApiCall(AppendOnly, models.Model):
    """One call of the API: which token (none when it gave no valid one), what, the answer, when, from where."""

    append_only_name = "接口调用记录"

    token = models.ForeignKey(ApiToken, on_delete=models.PROTECT, null=True, blank=True, related_name="calls",
                              verbose_name="令牌")
    method = models.CharField("方法", max_length=10)
    path = models.CharField("路径", max_length=500)
    status = models.PositiveSmallIntegerField("状态码")
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口调用记录"
        ordering = ["-created_at", "-pk"]
        triggers = [pgtrigger.Protect(name="api_call_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"
