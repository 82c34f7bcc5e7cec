"""The review tells the people of a report what publishing did to it (reports/signals.py)."""

from django.dispatch import receiver

from reports.signals import report_published, report_reopened

from . import notifications as notices


@receiver(report_published, dispatch_uid="review.notify_on_publication")
def notify_on_publication(sender, report, version, **kwargs):
    if report.imported:
        return
    first = version == 1
    notices.notify(
        users=notices.people_involved(report), report=report, kind="published",
        title=f"{report.title}已{'发布' if first else '发布更正后的版本'}",
        body=(f"{report.title}已在门户网站发布" if first else f"{report.title}更正后的第{version}版已在门户网站发布")
        + "，可在报告页面查看和下载 PDF。",
        url=notices.report_url(report, "reports:overview"),
    )


@receiver(report_reopened, dispatch_uid="review.notify_on_reopen")
def notify_on_reopen(sender, report, by, reason, **kwargs):
    notices.notify(
        users=notices.people_involved(report), report=report, kind="reopened", exclude=by,
        title=f"{report.title}需要更正",
        body=f"区管理员{by.display_name}将已发布的{report.title}退回更正。更正原因：{reason}"
             "。门户网站继续显示已发布的版本，更正后须重新提交两级审核。",
        url=notices.report_url(report, "reports:overview"),
    )
