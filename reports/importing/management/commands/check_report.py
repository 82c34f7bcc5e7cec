"""check_report FILE [--format 2019|2021] [--json]: read a published report and say what it holds.

Exit status: 0 when every cell was read, 1 when some were not (whatever the rules say),
2 when the file cannot be read at all (missing, not UTF-8/GB18030 text, empty).
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
        if not check.complete:
            raise CommandError(f"有 {len(check.unread)} 个单元格未能读取。", returncode=1)


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
