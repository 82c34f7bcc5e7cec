"""Review: the comments of a return, in-app notices and the reminders already sent.

The workflow intent itself (submitted, approved, returned with its reason) is in the report's
timeline (reports.ReportEvent); a ReviewComment row keeps each comment of a return addressable
(a section, a table cell, a text part) so that the redline can say which change answers it.
"""

from django.conf import settings
from django.db import models
from django.utils.text import slugify

from reports.models import AnnualReport, ReportEvent


class ReviewLevel(models.TextChoices):
    HEAD = "head", "部门负责人"
    DIRECTOR = "director", "主管主任"


class ReviewComment(models.Model):
    class Target(models.TextChoices):
        SECTION = "section", "章节"
        CELL = "cell", "表格单元格"
        PART = "part", "文字段落"

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="review_comments",
                               verbose_name="报告")
    return_event = models.ForeignKey(ReportEvent, on_delete=models.PROTECT, related_name="review_comments",
                                     verbose_name="退回记录")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="审核人")
    level = models.CharField("审核层级", max_length=10, choices=ReviewLevel.choices)
    target_kind = models.CharField("意见对象", max_length=10, choices=Target.choices)
    target = models.CharField("对象编号", max_length=40)  # "s3", "s2.t5.r1.c1", "s1.p2"
    section_key = models.CharField("章节", max_length=4)
    label = models.CharField("对象名称", max_length=200)
    text = models.TextField("意见")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审核意见"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.label}：{self.text[:30]}"

    @property
    def anchor(self) -> str:
        """Where on the section page the comment points (the ids section_edit.html gives)."""
        if self.target_kind == self.Target.CELL:
            return "#cell-" + self.target.replace(".", "-")
        if self.target_kind == self.Target.PART:
            return "#text-" + slugify(self.target)
        return ""


class Notification(models.Model):
    """An in-app notice; the same text goes out by e-mail."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="review_notifications", verbose_name="接收人")
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name="报告")
    kind = models.CharField("类型", max_length=40)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="review_notice_unread")]

    def __str__(self):
        return self.title


class ReminderSent(models.Model):
    """One row per reminder ever sent: the unique key is what makes the daily run send nothing twice."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="+", verbose_name="报告")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name="接收人")
    key = models.CharField("提醒", max_length=60)  # "deadline-7", "waiting-<event id>", "overdue"
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "已发送的提醒"
        constraints = [
            models.UniqueConstraint(fields=["report", "recipient", "key"], name="reminder_sent_once"),
        ]

    def __str__(self):
        return f"{self.report_id} · {self.key} · {self.recipient_id}"
