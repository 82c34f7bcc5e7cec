"""Dates as Chinese readers write them (2026年1月31日), for text outside templates (e-mails,
timeline comments, admin log summaries). Templates use the `date:"Y年n月j日"` filter."""

from datetime import date, datetime

from django.utils import timezone


def cn_date(day: date | datetime) -> str:
    if isinstance(day, datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return f"{day.year}年{day.month}月{day.day}日"
