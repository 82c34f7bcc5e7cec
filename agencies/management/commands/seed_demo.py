from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from agencies.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "建立演示数据（北京市东城区），可重复运行。"

    def handle(self, *args, **options):
        logins = []
        # Each app contributes its part of the demo (settings.DEMO_SEEDERS), in order.
        for path in settings.DEMO_SEEDERS:
            logins += import_string(path)() or []
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        shown = [login for login in logins if login.scope in _SHOWCASE or login.role == "区管理员" or login.note]
        for login in shown:
            note = f"（{login.note}）" if login.note else ""
            self.stdout.write(f"  {login.username:<24} {login.role:<6} {login.scope}{note}")
        self.stdout.write(f"  其余 {len(logins) - len(shown)} 个账号的规则相同：<单位代码>.filler / .head / .director，"
                          "见「单位与人员」页面。")


_SHOWCASE = {"东花市街道办事处", "区教育委员会"}
