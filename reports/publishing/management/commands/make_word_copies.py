"""Make the Word copy (.docx) of every published version that has none — versions published before
Word copies existed. Not required (the portal makes a missing copy on its first download), but it
makes them ahead of time: `manage.py make_word_copies` (all reports) or `--report ID`."""

from django.core.management.base import BaseCommand

from reports.publishing.copies import docx_ensure, missing_copies


class Command(BaseCommand):
    help = "为没有 Word 文件的已发布版本生成 Word 文件（.docx）。"

    def add_arguments(self, parser):
        parser.add_argument("--report", type=int, help="只处理这份报告（报告编号）")

    def handle(self, *args, report=None, **options):
        made = 0
        for pdf in missing_copies(report).select_related("report", "report__reporting_year", "report__body"):
            stored = docx_ensure(pdf)
            made += 1
            self.stdout.write(f"{stored.report.title} 第{stored.version}版 → {stored.docx.name}")
        self.stdout.write(f"共生成 {made} 个 Word 文件。")
