"""Who: the district, its reporting bodies (with their names over time), people and their roles."""

from datetime import date

import pgtrigger
from django.contrib import auth
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone

from config.append_only import AppendOnly


class City(models.Model):
    """A city whose districts share one deployment; its 市管理员 read every district's progress and
    summary and compile the city's summary, while each district still manages only itself."""

    name = models.CharField("名称", max_length=100, unique=True)
    code = models.CharField("代码", max_length=32, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "市"

    def __str__(self):
        return self.name


class District(models.Model):
    name = models.CharField("名称", max_length=100, unique=True)
    code = models.CharField("代码", max_length=32, unique=True)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, related_name="districts",
                             verbose_name="所属市")

    class Meta:
        verbose_name = verbose_name_plural = "区"

    def __str__(self):
        return self.name


class BodyKind(models.TextChoices):
    STREET_OFFICE = "street_office", "街道办事处"
    DEPARTMENT = "department", "区政府部门"
    OTHER = "other", "其他"
    # The district's government itself: it publishes the district's own report (条例第四十九条, by
    # 31 March), compiled from its bodies' reports; its 部门负责人/主管主任 (e.g. the 公开办 head and the
    # leader in charge) review it. Not a reporting body: years, the board and the summary leave it out.
    DISTRICT_GOVERNMENT = "district_gov", "区政府"


class BodyQuerySet(models.QuerySet):
    def reporting(self):
        """The bodies that report to the district (all but the district government itself)."""
        return self.exclude(kind=BodyKind.DISTRICT_GOVERNMENT)

    def active_during(self, start: date, end: date):
        """Bodies that existed at some point between two days (a year's reporting bodies)."""
        return self.reporting().filter(active_from__lte=end).exclude(active_to__lt=start)

    def active_in_year(self, year: int):
        """The bodies that report on a year: those that existed at some point in it."""
        return self.active_during(date(year, 1, 1), date(year, 12, 31))


class Body(models.Model):
    """A 报送单位. Its code never changes; its name may (see BodyName)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="bodies", verbose_name="区")
    code = models.CharField("单位代码", max_length=32, unique=True)
    kind = models.CharField("类型", max_length=20, choices=BodyKind.choices)
    name = models.CharField("当前名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    active_from = models.DateField("启用日期", default=date(2019, 1, 1))
    active_to = models.DateField("撤销日期", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "报送单位"
        ordering = ["kind", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="body_active_range_valid",
            ),
            models.UniqueConstraint(fields=["district"], condition=Q(kind="district_gov"),
                                    name="one_district_government_per_district"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_district_government(self) -> bool:
        return self.kind == BodyKind.DISTRICT_GOVERNMENT

    def name_on(self, day: date) -> str:
        """The name the body bore on a day, so past reports keep the name they were published under."""
        for entry in self.names.all():
            if entry.valid_from <= day and (entry.valid_to is None or entry.valid_to >= day):
                return entry.name
        return self.name

    def name_for_year(self, year: int) -> str:
        return self.name_on(date(year, 12, 31))


class BodyName(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="names", verbose_name="单位")
    name = models.CharField("名称", max_length=100)
    valid_from = models.DateField("起始日期")
    valid_to = models.DateField("截止日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "单位名称沿革"
        ordering = ["body", "-valid_from"]

    def __str__(self):
        return f"{self.name}（{self.valid_from}起）"


class User(AbstractUser):
    """A person. Roles come from RoleAssignment, never from Django groups."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    must_change_password = models.BooleanField(
        "首次登录须修改密码", default=False, help_text="由管理员创建或重置密码的账号须在登录后先修改密码。"
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name

    def has_perm(self, perm, obj=None) -> bool:
        """Roles are RoleAssignments, answered by the rules (the `rules` backend), never Django's groups or
        model permissions. Those serve the support staff's admin site only, so Django's ModelBackend is
        asked for a superuser's or staff member's permissions alone: for anyone else it read their model
        and group permissions (two queries, always empty) on every page whose navigation asks for a role
        they do not hold."""
        from django.contrib.auth.backends import ModelBackend  # it reads this model: not at import time

        if self.is_staff or self.is_superuser:
            return super().has_perm(perm, obj)
        for backend in auth.get_backends():
            if isinstance(backend, ModelBackend) or not hasattr(backend, "has_perm"):
                continue
            try:
                if backend.has_perm(self, perm, obj):
                    return True
            except PermissionDenied:  # as Django's _user_has_perm: a backend may refuse outright
                return False
        return False

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    FILLER = "filler", "填报人"
    DEPT_HEAD = "dept_head", "部门负责人"
    DIRECTOR = "director", "主管主任"
    DISTRICT_ADMIN = "district_admin", "区管理员"
    CITY_ADMIN = "city_admin", "市管理员"


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, day: date | None = None):
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class RoleAssignment(models.Model):
    """A role held in one body (or, for 区管理员, in a district; for 市管理员, in a city) for a period."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="人员")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments", verbose_name="单位"
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="admin_assignments", verbose_name="区"
    )
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, related_name="admin_assignments", verbose_name="市"
    )
    start_date = models.DateField("起始日期", default=timezone.localdate)
    end_date = models.DateField("截止日期", null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "角色分配"
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role="district_admin", district__isnull=False, body__isnull=True, city__isnull=True)
                | Q(role="city_admin", city__isnull=False, district__isnull=True, body__isnull=True)
                | (~Q(role__in=["district_admin", "city_admin"])
                   & Q(body__isnull=False, district__isnull=True, city__isnull=True)),
                name="role_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="role_period_valid",
            ),
        ]

    def __str__(self):
        scope = self.body or self.district or self.city
        return f"{self.user.display_name}：{scope}{self.get_role_display()}"

    def is_current(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class SecurityEvent(AppendOnly, models.Model):
    """Sign-in audit trail (等保: every login success and failure with time and IP)."""

    append_only_name = "安全日志"

    class Kind(models.TextChoices):
        LOGIN_SUCCESS = "login_success", "登录成功"
        LOGIN_FAILURE = "login_failure", "登录失败"
        LOGOUT = "logout", "退出登录"
        LOCKED = "locked", "账号锁定"
        UNLOCKED = "unlocked", "账号解锁"
        PASSWORD_CHANGED = "password_changed", "修改密码"

    kind = models.CharField("事件", max_length=30, choices=Kind.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, verbose_name="用户")
    username = models.CharField("登录名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全日志"
        ordering = ["-created_at"]
        # PostgreSQL refuses to change or delete a row, whatever the path (queryset, raw SQL, cascade).
        triggers = [pgtrigger.Protect(name="security_event_append_only",
                                      operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class AdminAction(AppendOnly, models.Model):
    """What a 区管理员 changed about bodies and people: who, when, what (Zulip's RealmAuditLog).

    Append-only, written by the service that makes the change, in the same transaction.
    """

    append_only_name = "操作记录"

    class Kind(models.TextChoices):
        BODY_CREATED = "body_created", "新增单位"
        BODY_RENAMED = "body_renamed", "单位更名"
        BODY_CLOSED = "body_closed", "撤销单位"
        PERSON_CREATED = "person_created", "新增人员"
        PERSON_UPDATED = "person_updated", "修改人员信息"
        PASSWORD_SET = "password_set", "设置初始密码"
        ROLE_ASSIGNED = "role_assigned", "分配角色"
        ROLE_ENDED = "role_ended", "结束角色"
        PEOPLE_IMPORTED = "people_imported", "批量导入人员"
        YEAR_OPENED = "year_opened", "开启报告年度"
        YEAR_SCHEDULE_CHANGED = "year_schedule_changed", "修改报送截止日期与提醒"
        REPORT_CREATED = "report_created", "为新增单位创建报告"
        API_TOKEN_CREATED = "api_token_created", "创建接口令牌"
        API_TOKEN_REVOKED = "api_token_revoked", "吊销接口令牌"

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="admin_actions", verbose_name="区")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="操作人")
    kind = models.CharField("操作", max_length=30, choices=Kind.choices)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, null=True, blank=True, related_name="admin_actions",
                             verbose_name="单位")
    person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="admin_actions",
                               verbose_name="人员")
    summary = models.CharField("摘要", max_length=300)
    data = models.JSONField("详情", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "管理操作记录"
        ordering = ["-created_at", "-pk"]
        triggers = [pgtrigger.Protect(name="admin_action_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.summary}"
