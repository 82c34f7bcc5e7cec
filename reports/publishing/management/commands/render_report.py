"""Render one report to PDF (and optionally its HTML) without publishing it — for a font or layout
problem, or to look at imported history: `manage.py render_report --body donghuashi --year 2020 --out x.pdf`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from reports.models import AnnualReport
from reports.publishing.document import AnnualReportDocument
from reports.publishing.pdf import MissingGlyphs, render
from reports.publishing.tasks import missing_glyphs_reason


class Command(BaseCommand):
    help = "把一份年度报告生成 PDF（不发布）。"

    def add_arguments(self, parser):
        parser.add_argument("--body", required=True, help="单位代码或名称")
        parser.add_argument("--year", required=True, type=int, help="报告年度")
        parser.add_argument("--out", required=True, help="PDF 文件路径")
        parser.add_argument("--html", help="同时写出 HTML 的文件路径")

    def handle(self, *args, body, year, out, html=None, **options):
        reports = AnnualReport.objects.select_related("reporting_year", "body").filter(reporting_year__year=year)
        found = list(reports.filter(body__code=body)) or list(
            reports.filter(Q(body__name=body) | Q(body_name=body))) or list(
            reports.filter(Q(body__name__contains=body) | Q(body_name__contains=body)))
        if not found:
            raise CommandError(f"没有找到“{body}”{year}年度的报告。")
        if len(found) > 1:
            raise CommandError("有多个单位符合：" + "、".join(r.body_name for r in found) + "。请用单位代码。")
        report = found[0]
        now = timezone.now()
        document = AnnualReportDocument(report)
        try:
            rendered = render("reports/pdf/report.html", {
                "document": document, "signed_on": timezone.localdate(now), "created": now, "modified": now,
            })
        except MissingGlyphs as exc:
            raise CommandError(missing_glyphs_reason(document, exc.characters)) from exc
        Path(out).write_bytes(rendered.pdf)
        if html:
            Path(html).write_text(rendered.html, encoding="utf-8")
        self.stdout.write(f"{report.title}：{rendered.page_count}页，{len(rendered.pdf)}字节 → {out}")
