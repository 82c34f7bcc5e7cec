"""A body's correction published after the district's report is out: the administrators are told
what it changed in the summary (services.summary_change_record), in the publication's transaction."""

import structlog
from django.db import transaction
from django.dispatch import receiver

from reports.signals import report_published

from .services import summary_change_record

log = structlog.get_logger(__name__)


@receiver(report_published, dispatch_uid="district_report.summary_changes")
def record_summary_change(sender, report, version, **kwargs):
    if version <= 1:
        return
    try:
        with transaction.atomic():  # a savepoint: a failure here never undoes the publication
            summary_change_record(report=report, version=version)
    except Exception:
        log.exception("district_report_summary_change_failed", report=report.pk, version=version)
