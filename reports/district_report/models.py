"""The district government's own report of a year: which AnnualReport it is, what it was compiled
from, and what a later correction of a body's report changed in the summary it was compiled from.

The report itself is an ordinary AnnualReport of the district's 区政府 body (agencies BodyKind
DISTRICT_GOVERNMENT): it is edited, reviewed, published and shown like any other.
"""

from datetime import date

from django.conf import settings
from django.db import models

from reports.models import AnnualReport, ReportingYear


def district_report_deadline(year: int) -> date:
    return ReportingYear.district_report_deadline(year)


class DistrictReport(models.Model):
    reporting_year = models.OneToOneField(ReportingYear, on_delete=models.PROTECT, related_name="district_report",
                                          verbose_name="报告年度")
    report = models.OneToOneField(AnnualReport, on_delete=models.PROTECT, related_name="district_report",
                                  verbose_name="报告")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="编制人")
    started_at = models.DateTimeField("开始编制时间", auto_now_add=True)
    # The summary it was prefilled from: {cell id: JSON value}, the bodies summed and those missing.
    prefill = models.JSONField("预填的汇总数据", default=dict, blank=True)
    bodies = models.JSONField("纳入汇总的单位", default=list, blank=True)
    missing = models.JSONField("未纳入汇总的单位", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "区政府年度报告"

    def __str__(self):
        return str(self.report)

    @property
    def deadline(self) -> date:
        return district_report_deadline(self.reporting_year.year)


class SummaryChange(models.Model):
    """A body's report was corrected (更正) after the district's report was out: which summary cells
    the new version changed, old and new value ({cell, label, old, new} as text)."""

    district_report = models.ForeignKey(DistrictReport, on_delete=models.CASCADE, related_name="changes",
                                        verbose_name="区政府年度报告")
    source = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="+", verbose_name="更正的报告")
    version = models.PositiveIntegerField("更正后版本")
    cells = models.JSONField("变化的汇总数据", default=list, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "更正引起的汇总变化"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["source", "version"], name="one_change_per_corrected_version")]

    def __str__(self):
        return f"{self.source} 第{self.version}版"
