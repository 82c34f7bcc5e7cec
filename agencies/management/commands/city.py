"""Sets up a city over districts that share this deployment, and its 市管理员 (an operator's task,
like creating the first 区管理员: no district administrator may grant a role above their district)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agencies.models import City, District, Role, RoleAssignment, User


class Command(BaseCommand):
    help = "建立或更新一个市（--code/--name），把区划入该市（--district 区代码，可多次），并指定市管理员（--admin 账号）。"

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="市代码，例如 110000")
        parser.add_argument("--name", help="市名称，例如 北京市（新建时必填）")
        parser.add_argument("--district", action="append", default=[], help="划入该市的区代码")
        parser.add_argument("--admin", action="append", default=[], help="市管理员的账号（须已存在）")

    @transaction.atomic
    def handle(self, *args, code, name, district, admin, **options):
        city = City.objects.filter(code=code).first()
        if city is None:
            if not name:
                raise CommandError(f"没有代码为 {code} 的市；新建时请用 --name 给出名称。")
            city = City.objects.create(code=code, name=name)
        elif name and name != city.name:
            city.name = name
            city.save(update_fields=["name"])
        for district_code in district:
            found = District.objects.filter(code=district_code).first()
            if found is None:
                raise CommandError(f"没有代码为 {district_code} 的区。")
            found.city = city
            found.save(update_fields=["city"])
        for username in admin:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"没有账号 {username}。")
            RoleAssignment.objects.get_or_create(user=user, role=Role.CITY_ADMIN, city=city, end_date=None,
                                                 defaults={"start_date": timezone.localdate()})
        districts = "、".join(city.districts.order_by("code").values_list("name", flat=True)) or "（无）"
        self.stdout.write(f"{city.name}（{city.code}）：{districts}")
