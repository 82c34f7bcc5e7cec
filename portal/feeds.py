"""Atom feed of new publications (and corrections) on the portal."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from . import selectors


class PublicationsFeed(Feed):
    feed_type = Atom1Feed
    title = "政府信息公开工作年度报告 · 新发布"
    subtitle = "各单位政府信息公开工作年度报告的发布与更正"

    def link(self):
        return reverse("portal:home")

    def items(self):
        return selectors.recent_publications()

    def item_title(self, item):
        suffix = f"（更正，第{item.version}版）" if item.version > 1 else ""
        return f"{item.report.title}{suffix}"

    def item_description(self, item):
        text = f"{item.report.body_name}发布{item.report.year}年政府信息公开工作年度报告，PDF {item.page_count}页。"
        if item.correction_reason:
            text += f"更正说明：{item.correction_reason}"
        return text

    def item_link(self, item):
        return reverse("portal:report", args=[item.report_id]) + f"#version-{item.version}"

    def item_guid(self, item):
        return f"nianbao:report:{item.report_id}:v{item.version}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.report.body_name

    def item_enclosure_url(self, item):
        return reverse("portal:pdf", args=[item.report_id, item.version])

    def item_enclosure_length(self, item):
        return item.size

    item_enclosure_mime_type = "application/pdf"
