import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from agencies.demo import DEMO_PASSWORD


def _width(text: str) -> int:
    """Columns a terminal gives the text: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    """Rows as aligned columns under a header and a rule, each line indented by two spaces."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, tuple("-" * w for w in widths), *rows]
    return ["  " + "  ".join(_pad(cell, w) for cell, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]


class Command(BaseCommand):
    help = "建立演示数据（北京市东城区），可重复运行；最后列出演示账号。"

    def handle(self, *args, **options):
        logins = []
        # Each app contributes its part of the demo (settings.DEMO_SEEDERS), in order.
        for path in settings.DEMO_SEEDERS:
            logins += import_string(path)() or []
        shown = [login for login in logins if login.scope in _SHOWCASE or login.role == "区管理员" or login.note]
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        rows = [(login.username, login.role, login.scope, login.note) for login in shown]
        for line in login_table(rows, ("账号", "角色", "单位", "说明")):
            self.stdout.write(line)
        self.stdout.write(f"其余 {len(logins) - len(shown)} 个账号的规则相同：<单位代码>.filler / .head / .director，"
                          "见「单位与人员」页面。")


_SHOWCASE = {"东花市街道办事处", "区教育委员会"}
