"""Reporting years and annual reports. A report's content lives in one row per section, each with
its own version number, so that two people editing different sections never conflict."""

from datetime import date

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import MD5, Cast, Concat
from simple_history.models import HistoricalRecords

from agencies.models import Body, BodyKind, District
from config.append_only import AppendOnly

from .formats import available_formats, get_format

FORMAT_VERSIONS = sorted({version for version, _ in available_formats()})


def default_reminder_days():
    return [14, 7, 3, 1]


class ReportingYear(models.Model):
    """The year reported on (2025 reports are filled in January 2026)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="reporting_years",
                                 verbose_name="区")
    year = models.PositiveIntegerField("报告年度")
    format_version = models.CharField("格式版本", max_length=10)
    format_variant = models.CharField("地方格式", max_length=20, blank=True, default="")
    deadline = models.DateField("报送截止日期")
    # Days before the deadline on which bodies not yet submitted are reminded.
    reminder_days = models.JSONField("催报提醒（截止前天数）", default=default_reminder_days, blank=True)
    opened_at = models.DateTimeField("开启时间", auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="开启人")

    class Meta:
        verbose_name = verbose_name_plural = "报告年度"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_reporting_year_per_district"),
            models.CheckConstraint(condition=models.Q(format_version__in=FORMAT_VERSIONS),
                                   name="reporting_year_known_format_version"),
        ]

    def __str__(self):
        return f"{self.year}年度"

    @staticmethod
    def default_deadline(year: int) -> date:
        """条例第四十九条: by 31 January of the following year."""
        return date(year + 1, 1, 31)

    @staticmethod
    def district_report_deadline(year: int) -> date:
        """条例第四十九条: the district's government publishes its own report by 31 March."""
        return date(year + 1, 3, 31)

    @property
    def format(self):
        return get_format(self.format_version, self.format_variant or None)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING_HEAD = "pending_head", "待部门负责人审核"
    PENDING_DIRECTOR = "pending_director", "待主管主任审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已批准·待发布"
    PUBLISH_FAILED = "publish_failed", "发布失败"
    PUBLISHED = "published", "已发布"


class AnnualReportQuerySet(models.QuerySet):
    def of_reporting_bodies(self):
        """The bodies' reports, without the district government's own (区政府年度报告), which is compiled
        from them and never counted, reminded or compared with them."""
        return self.exclude(body__kind=BodyKind.DISTRICT_GOVERNMENT)


class AnnualReport(models.Model):
    """One body's report on one year."""

    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="reports",
                                       verbose_name="报告年度")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="annual_reports", verbose_name="报送单位")
    body_name = models.CharField("单位名称（报告年度）", max_length=100)
    status = models.CharField("状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    # Explanations a filler gives for soft-rule warnings: {rule_id: text}.
    explanations = models.JSONField("预警说明", default=dict, blank=True)
    # Cells filled from last year's report when the year was opened: {cell_id: {"from": year, "value": v}};
    # "_missing" explains why nothing was carried over.
    carried_over = models.JSONField("上年结转", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Reports of earlier years imported from their published text (not filled in here).
    imported = models.BooleanField("导入的历史报告", default=False)
    # Imported history: the date the source was published, where it prints one or a person gave it.
    published_on = models.DateField("原发布日期", null=True, blank=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "年度报告"
        ordering = ["reporting_year", "body__kind", "body__sort_order", "body__code"]  # the bodies' own order, to the last tie
        constraints = [
            models.UniqueConstraint(fields=["reporting_year", "body"], name="one_report_per_body_year"),
            models.CheckConstraint(condition=models.Q(status__in=ReportStatus.values), name="annual_report_known_status"),
        ]

    def __str__(self):
        return f"{self.body_name}{self.year}年政府信息公开工作年度报告"

    @property
    def year(self) -> int:
        return self.reporting_year.year

    @property
    def title(self) -> str:
        return str(self)

    @property
    def deadline(self) -> date:
        """The bodies' reports are due on the year's deadline; the district government's own, which
        is compiled from them, on 31 March."""
        if self.body.is_district_government:
            return ReportingYear.district_report_deadline(self.reporting_year.year)
        return self.reporting_year.deadline

    @property
    def format(self):
        return self.reporting_year.format

    @property
    def state(self):
        """What the status means (reports.workflow.STATES): who holds it, whether it is editable, its
        review level. Templates ask this instead of comparing status strings."""
        from .workflow import state_of  # the one table of states (workflow imports this module)

        return state_of(self.status)

    @property
    def is_editable(self) -> bool:
        return self.state.editable

    @property
    def carry_over_note(self) -> str:
        """Why nothing was carried over from last year, if nothing was."""
        return self.carried_over.get("_missing", "")


class ReportSection(models.Model):
    """The content of one section: cell values by canonical id, text parts by id.

    `raw` keeps what a filler typed into a cell that could not be read as a number, so a draft is
    never lost; such a cell counts as unfilled until it is corrected.
    """

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="sections",
                               verbose_name="报告")
    key = models.CharField("章节", max_length=4)
    values = models.JSONField("统计数据", default=dict, blank=True)
    raw = models.JSONField("未能识别的输入", default=dict, blank=True)
    texts = models.JSONField("文字内容", default=dict, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("保存时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="保存人")
    # Digests of the stored content, computed by the database as a row is written, however it is
    # written: the board keeps each report's 体检 and each part's 内容雷同 under them (reports/health),
    # and reads them for every section of two years on each load instead of hashing all that content.
    content_digest = models.GeneratedField(
        expression=MD5(Concat(Cast("values", models.TextField()), models.Value("|"), Cast("texts", models.TextField()),
                              models.Value("|"), Cast("raw", models.TextField()), output_field=models.TextField())),
        output_field=models.CharField(max_length=32), db_persist=True, verbose_name="内容摘要")
    texts_digest = models.GeneratedField(expression=MD5(Cast("texts", models.TextField())),
                                         output_field=models.CharField(max_length=32), db_persist=True,
                                         verbose_name="文字摘要")

    history = HistoricalRecords(excluded_fields=["updated_at", "content_digest", "texts_digest"])

    class Meta:
        verbose_name = verbose_name_plural = "报告章节"
        ordering = ["report", "key"]
        constraints = [models.UniqueConstraint(fields=["report", "key"], name="one_row_per_section")]

    def __str__(self):
        return f"{self.report} · {self.key}"


class EventKind(models.TextChoices):
    """What happened to a report (ReportEvent.Kind)."""

    OPENED = "opened", "创建报告"
    SAVED = "saved", "保存"
    EXPLAINED = "explained", "保存预警说明"
    SUBMITTED = "submitted", "提交审核"
    WITHDRAWN = "withdrawn", "撤回提交"
    APPROVED_HEAD = "approved_head", "部门负责人审核通过"
    APPROVED_DIRECTOR = "approved_director", "主管主任审核通过"
    RETURNED = "returned", "退回修改"
    PUBLISHED = "published", "发布"
    PUBLISH_FAILED = "publish_failed", "发布失败"
    PUBLISH_RETRIED = "publish_retried", "重新发布"
    REMINDED = "reminded", "催报提醒"
    IMPORTED = "imported", "导入历史报告"
    REVIEWER_ASSIGNED = "reviewer_assigned", "指定审核人"


class ReportEvent(AppendOnly, models.Model):
    """The timeline: every save, submission, withdrawal, approval, return and publication.

    Append-only, written by the service that acts, in the same transaction (Zulip's RealmAuditLog).
    PostgreSQL itself refuses to change or delete a row (a trigger), so a queryset update, raw SQL
    or a cascade cannot rewrite the record either; a report with a timeline cannot be deleted.
    """

    append_only_name = "时间线"

    Kind = EventKind

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="events", verbose_name="报告")
    kind = models.CharField("事件", max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    from_status = models.CharField("原状态", max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ReportStatus.choices, blank=True)
    comment = models.TextField("说明", blank=True)
    # Event details: changed cells and texts of a save, comments of a return, the worker of a render…
    data = models.JSONField("详情", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "报告时间线"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=EventKind.values), name="report_event_known_kind"),
            models.CheckConstraint(
                condition=models.Q(from_status__in=["", *ReportStatus.values])
                & models.Q(to_status__in=["", *ReportStatus.values]),
                name="report_event_known_statuses"),
        ]
        triggers = [pgtrigger.Protect(name="report_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]
        indexes = [
            # The reports handed to a reviewer (指定审核人), asked on every report they open
            # (timeline.designated_report_ids): a few rows, not a scan of every save ever recorded.
            models.Index(KeyTransform("reviewer", "data"), condition=models.Q(kind="reviewer_assigned"),
                         name="report_event_designee"),
        ]

    def __str__(self):
        return f"{self.report} · {self.get_kind_display()}"
