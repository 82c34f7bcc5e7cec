"""`manage.py district_summary --year 2025 [--json] [--xlsx FILE] [--pdf FILE]`: the district
summary (区级汇总) for scripts — the same numbers as the page, the XLSX and the PDF."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.models import ReportingYear
from reports.summary.summary import BASES, district_summary


class Command(BaseCommand):
    help = "区级汇总：按年度汇总全区报告的统计数据（--json 输出 JSON，--xlsx / --pdf 写文件）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="报告年度，例如 2025")
        parser.add_argument("--district", help="区代码（只有一个区时可省略）")
        parser.add_argument("--basis", choices=sorted(BASES), default="published",
                            help="published：已发布的报告（默认）；approved：所有已批准的报告")
        parser.add_argument("--json", action="store_true", help="输出 JSON")
        parser.add_argument("--xlsx", type=Path, help="写出 Excel 文件")
        parser.add_argument("--pdf", type=Path, help="写出 PDF 文件")

    def handle(self, *args, year, district=None, basis="published", json=False, xlsx=None, pdf=None, **options):
        years = ReportingYear.objects.filter(year=year).select_related("district")
        if district:
            years = years.filter(district__code=district)
        years = list(years)
        if not years:
            raise CommandError(f"{year}年度尚未开启。")
        if len(years) > 1:
            codes = "、".join(y.district.code for y in years)
            raise CommandError(f"有多个区开启了{year}年度，请用 --district 指定：{codes}")
        reporting_year = years[0]
        summary = district_summary(reporting_year, basis=basis)
        if xlsx:
            from reports.summary.workbook import summary_workbook

            xlsx.write_bytes(summary_workbook(summary))
        if pdf:
            from reports.summary.document import summary_pdf_bytes

            pdf.write_bytes(summary_pdf_bytes(summary))
        if json:
            self.stdout.write(_dumps(summary.as_json()))
        else:
            failed = summary.failed_rules
            self.stdout.write(f"{reporting_year.district.name}{year}年度：汇总 {len(summary.bodies)} 个单位，"
                              f"未纳入 {len(summary.missing)} 个；勾稽校验"
                              + ("全部通过" if not failed else f" {len(failed)} 条不符") + "。")
            for path in (xlsx, pdf):
                if path:
                    self.stdout.write(f"已写出 {path}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)
