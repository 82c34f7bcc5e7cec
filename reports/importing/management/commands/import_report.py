from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Body
from reports.errors import ReportError
from reports.importing.services import ImportRefused, report_import, report_import_preview

MAX_BYTES = 5 * 1024 * 1024


def read_text(path: Path) -> str:
    """A published report saved as text: UTF-8 (with or without BOM), else GB18030 (Windows 中文)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"无法读取文件 {path}：{error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise CommandError(f"文件 {path} 超过 5 MB，不像是一份年度报告的文本。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"文件 {path} 不是 UTF-8 或 GB18030 编码的文本。")


class Command(BaseCommand):
    help = "导入已发布的政府信息公开工作年度报告（文本），保存为已发布的历史报告。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="报告文本文件")
        parser.add_argument("--body", required=True, help="单位代码，例如 donghuashi")
        parser.add_argument("--year", required=True, type=int, help="报告年度，例如 2020")
        parser.add_argument("--variant", default=None, help="地方格式，例如 beijing")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不保存")

    def handle(self, *args, file, body, year, variant, dry_run, **options):
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
            outcome = report_import(body=target, year=year, text=text, variant=variant, source=path.name)
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
