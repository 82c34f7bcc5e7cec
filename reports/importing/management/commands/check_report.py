"""check_report FILE [--format 2019|2021] [--json]: read a published report and say what it holds.

Exit status: 0 every cell read and every hard rule holds; 1 something not read (whatever the
rules say); 2 the file cannot be read at all (missing, a scanned PDF, .doc, not text, empty);
3 every cell read but hard rules fail (the report's own fault). The JSON always lists the unread
cells (with their places), the warnings and every rule.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.importing.check import UnreadableReport, check_report_file
from reports.importing.detect import VERSIONS


class Command(BaseCommand):
    help = (
        "读取已发布的政府信息公开工作年度报告（复制的文本或另存的 HTML 网页），识别格式、年度和单位，"
        "按单元格编号列出每个数字、每条勾稽规则的结果和未能读取的内容。不保存任何内容。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="报告文件：文本（UTF-8 或 GB18030）或 HTML 网页")
        parser.add_argument("--format", choices=VERSIONS, default=None, help="报告格式；不指定时自动识别")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args, **options):
        try:
            check = check_report_file(Path(options["file"]), version=options["format"])
        except UnreadableReport as error:
            raise CommandError(error.message, returncode=2) from None
        if options["json"]:
            self.stdout.write(_dumps(check.as_json()))
        else:
            for line in check.lines():
                self.stdout.write(line)
        if check.status == 1:
            unplaced = len(check.result.unplaced)
            raise CommandError(f"有 {len(check.unread)} 个单元格未能读取" +
                               (f"，{unplaced} 个数字未能对应到单元格。" if unplaced else "。"), returncode=1)
        if check.status == 3:
            failed = sum(1 for r in check.rules if not r.ok and r.severity.value == "hard")
            raise CommandError(f"全部单元格已读取，但有 {failed} 条硬性勾稽规则不符（报告本身的问题）。", returncode=3)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
