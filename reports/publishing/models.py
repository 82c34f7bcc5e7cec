"""Published versions of a report: the PDF artefact and the snapshot of what was published.

One row per version (1 on the first publication, 2 after the first correction (更正), …). The row is
also the render job's lock and record: its status, its attempts, the worker and task that rendered
it, and the error of a failed render. A version that is `done` is never changed again: the portal
shows its snapshot (`content`), never the live sections, and every done version stays downloadable.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import models

from reports.models import AnnualReport

from .storage import pdf_storage


class ReportPdf(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "等待生成"
        RENDERING = "rendering", "正在生成"
        DONE = "done", "已发布"
        FAILED = "failed", "生成失败"

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="pdf_versions",
                               verbose_name="报告")
    version = models.PositiveIntegerField("版本")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    attempts = models.PositiveIntegerField("生成次数", default=0)
    file = models.FileField("PDF 文件", max_length=255, blank=True, storage=pdf_storage)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveIntegerField("文件大小（字节）", null=True, blank=True)
    page_count = models.PositiveIntegerField("页数", null=True, blank=True)
    # The Word copy of the same version (reports/publishing/copies.py): made by its own task, queued
    # behind the renders when the version is published, or on first download if it is not there yet.
    docx = models.FileField("Word 文件", max_length=255, blank=True, storage=pdf_storage)
    docx_sha256 = models.CharField("Word 文件 SHA-256", max_length=64, blank=True)
    docx_size = models.PositiveIntegerField("Word 文件大小（字节）", null=True, blank=True)
    # What was published: {"title", "body_name", "format", "values": {cell id: JSON value}, "texts": {...}}.
    content = models.JSONField("发布内容", default=dict, blank=True)
    # What the portal's search reads (search.py): the published texts and labels, one a line.
    search_text = models.TextField("检索文本", blank=True, default="")
    correction_reason = models.TextField("更正说明", blank=True)
    started_at = models.DateTimeField("开始生成", null=True, blank=True)
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    worker = models.CharField("工作进程", max_length=200, blank=True)
    task_id = models.CharField("任务编号", max_length=64, blank=True)
    error = models.TextField("失败原因", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "发布版本"
        ordering = ["report", "version"]
        indexes = [
            # Trigram index for the portal's search: search_text LIKE '%…%' (a Chinese word) and ILIKE
            # (a word with letters; pg_trgm folds case itself). PostgreSQL only: the migration skips it
            # on SQLite (the demo).
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="reportpdf_search_text_trgm"),
            # Which reports are published (a done version): the portal asks it of thousands of reports
            # at once (a year of a city), answered from this index alone.
            models.Index(fields=["report"], condition=models.Q(status="done"), name="reportpdf_done_report"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="one_row_per_report_version"),
            models.CheckConstraint(
                condition=~models.Q(status="done") | (~models.Q(sha256="") & ~models.Q(file="")),
                name="done_version_has_its_file",
            ),
        ]

    def __str__(self):
        return f"{self.report} · 第{self.version}版"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def filename(self) -> str:
        """The name a reader's browser saves it under."""
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.report.body_name}{self.report.year}年政府信息公开工作年度报告{suffix}.pdf"

    @property
    def docx_filename(self) -> str:
        return self.filename.removesuffix(".pdf") + ".docx"
