import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Body
from reports.errors import ReportError
from reports.importing.check import UnreadableReport, read_report
from reports.importing.services import ImportRefused, report_import, report_import_preview


def read_text(path: Path) -> str:
    """A published report (PDF, .docx, a saved page or text) as the importer's text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"无法读取文件 {path}：{error.strerror or error}", returncode=2) from None
    try:
        return read_report(data, path.name).text
    except UnreadableReport as error:
        raise CommandError(error.message, returncode=2) from None


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”格式不对，请写作 2025-01-20。") from None


class Command(BaseCommand):
    help = "导入已发布的政府信息公开工作年度报告（PDF、Word .docx、网页或文本），保存为已发布的历史报告。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="报告文件：PDF、.docx、网页或文本")
        parser.add_argument("--body", required=True, help="单位代码，例如 donghuashi")
        parser.add_argument("--year", required=True, type=int, help="报告年度，例如 2020")
        parser.add_argument("--variant", default=None, help="地方格式，例如 beijing")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")
        parser.add_argument("--published-on", default=None,
                            help="原发布日期，例如 2025-01-20；不指定时从报告文字中读取，读不到则显示为“历史导入”")

    def handle(self, *args, file, body, year, variant, dry_run, published_on=None, **options):
        published = _date(published_on) if published_on else None
        try:
            target = Body.objects.select_related("district").get(code=body)
        except Body.DoesNotExist:
            raise CommandError(f"没有代码为“{body}”的单位。") from None
        path = Path(file)
        text = read_text(path)
        try:
            if dry_run:
                result = report_import_preview(body=target, year=year, text=text, variant=variant)
                self._findings(result)
                verdict = "可以导入" if result.ok else "不能导入，请先修正文本"
                self.stdout.write(f"检查完毕（未保存）：读取 {len(result.values)} 个数字、"
                                  f"{len(result.texts)} 段文字，{verdict}。")
                return
            outcome = report_import(body=target, year=year, text=text, variant=variant, source=path.name,
                                    published_on=published)
        except ImportRefused as refused:
            self._findings(refused.result)
            raise CommandError("报告文本未能完整读取，没有导入。") from None
        except ReportError as error:
            raise CommandError(error.message) from None
        self._findings(outcome.result)
        action = "已导入" if outcome.created else "已重新导入（替换原内容）"
        self.stdout.write(self.style.SUCCESS(
            f"{action}：{outcome.report.title}，读取 {len(outcome.result.values)} 个数字、"
            f"{len(outcome.result.texts)} 段文字。"
        ))

    def _findings(self, result) -> None:
        findings = result.findings()
        if not findings:
            self.stdout.write("没有发现问题。")
            return
        self.stdout.write(f"发现 {len(findings)} 个问题：")
        for line in findings:
            style = self.style.ERROR if line.startswith(("错误", "勾稽")) else self.style.WARNING
            self.stdout.write(style(f"  {line}"))
