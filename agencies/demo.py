"""Demo district: 北京市东城区, its 17 街道办事处 and 8 区政府部门, one person per role of each body; the
district government (区政府) with the two reviewers of the district's own report; and the city they
belong to (北京市, with a 市管理员) with a second, small district (北京市西城区) so that the city's pages
have more than one district to show.

Idempotent: bodies and people are looked up by their stable codes and user names.
"""

import zlib
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from .models import Body, BodyKind, BodyName, City, District, Role, RoleAssignment, User

DEMO_PASSWORD = "Nianbao@2026"

STREETS = [
    ("donghuamen", "东华门"), ("jingshan", "景山"), ("jiaodaokou", "交道口"), ("andingmen", "安定门"),
    ("beixinqiao", "北新桥"), ("dongsi", "东四"), ("chaoyangmen", "朝阳门"), ("jianguomen", "建国门"),
    ("dongzhimen", "东直门"), ("hepingli", "和平里"), ("qianmen", "前门"), ("chongwenmenwai", "崇文门外"),
    ("donghuashi", "东花市"), ("longtan", "龙潭"), ("tiyuguanlu", "体育馆路"), ("tiantan", "天坛"),
    ("yongdingmenwai", "永定门外"),
]
DEPARTMENTS = [
    ("fgw", "区发展和改革委员会"), ("jw", "区教育委员会"), ("mzj", "区民政局"), ("czj", "区财政局"),
    ("rsj", "区人力资源和社会保障局"), ("zjw", "区住房和城乡建设委员会"), ("wjw", "区卫生健康委员会"),
    ("cgw", "区城市管理委员会"),
]
# The city's second district: a few street offices, enough for the city's summary and portal.
SECOND_DISTRICT = ("110102", "北京市西城区", "xicheng.admin", "区政务服务局 赵敏")
SECOND_STREETS = [("jinrongjie", "金融街"), ("desheng", "德胜"), ("shichahai", "什刹海")]
DEMO_DISTRICT_CODES = ("110101", SECOND_DISTRICT[0])
# A body renamed in 2021: its 2019 and 2020 reports keep the old name.
RENAMES = {"cgw": [("区市政市容管理委员会", date(2019, 1, 1), date(2020, 12, 31))]}

ROLE_SUFFIX = {Role.FILLER: "filler", Role.DEPT_HEAD: "head", Role.DIRECTOR: "director"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["建国", "秀英", "志强", "丽娟", "海燕", "国华", "晓东", "红梅", "文静", "俊杰", "雪梅", "立新", "春燕",
         "振华", "敏", "磊", "静", "伟", "芳", "婷", "洋", "勇", "杰", "娜", "涛", "明", "超", "霞", "平", "刚"]


@dataclass
class DemoLogin:
    username: str
    role: str
    scope: str
    note: str = ""


def _person_name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]


def _user(username: str, full_name: str, *, must_change: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "email": f"{username}@example.gov.cn"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.must_change_password = must_change
        user.phone = f"010-6{len(username):03d}{zlib.crc32(username.encode()) % 10000:04d}"
        user.save()
    return user


def _assign(user: User, role: str, *, body: Body | None = None, district: District | None = None,
            city: City | None = None) -> None:
    RoleAssignment.objects.get_or_create(
        user=user, role=role, body=body, district=district, city=city, defaults={"start_date": date(2019, 1, 1)}
    )


@transaction.atomic
def seed() -> list[DemoLogin]:
    district, _ = District.objects.update_or_create(code="110101", defaults={"name": "北京市东城区"})
    logins: list[DemoLogin] = []
    admin = _user("district.admin", "区政务服务局 王海")
    _assign(admin, Role.DISTRICT_ADMIN, district=district)
    logins.append(DemoLogin(admin.username, "区管理员", district.name))

    entries = [(code, f"{name}街道办事处", f"{name}街道", BodyKind.STREET_OFFICE) for code, name in STREETS]
    entries += [(code, name, name, BodyKind.DEPARTMENT) for code, name in DEPARTMENTS]
    person = 0
    for order, (code, name, short, kind) in enumerate(entries, start=1):
        body, _ = Body.objects.update_or_create(
            code=code,
            defaults={"district": district, "name": name, "short_name": short, "kind": kind, "sort_order": order},
        )
        for old_name, start, end in RENAMES.get(code, []):
            BodyName.objects.get_or_create(body=body, name=old_name, valid_from=start, defaults={"valid_to": end})
        if code in RENAMES:
            BodyName.objects.get_or_create(body=body, name=name, valid_from=date(2021, 1, 1))
        for role, suffix in ROLE_SUFFIX.items():
            person += 1
            user = _user(f"{code}.{suffix}", _person_name(person))
            _assign(user, role, body=body)
            logins.append(DemoLogin(user.username, Role(role).label, body.name))
    # The district government itself: the 区政府年度报告 (compiled from the summary by the administrator)
    # is reviewed by the head of its 公开办 and the leader in charge.
    government, _ = Body.objects.update_or_create(
        code=f"{district.code}-gov",
        defaults={"district": district, "name": f"{district.name}人民政府", "short_name": "区政府",
                  "kind": BodyKind.DISTRICT_GOVERNMENT, "sort_order": 0},
    )
    _assign(admin, Role.FILLER, body=government)  # the administrator compiles the district's report
    for username, full_name, role in [("district.head", "区政府办公室（公开办）主任 赵明", Role.DEPT_HEAD),
                                      ("district.director", "分管副区长 孙立", Role.DIRECTOR)]:
        user = _user(username, full_name)
        _assign(user, role, body=government)
        logins.append(DemoLogin(user.username, Role(role).label, government.name, "审核区政府年度报告"))
    newcomer = _user("donghuashi.newcomer", "新入职 李明", must_change=True)
    _assign(newcomer, Role.FILLER, body=Body.objects.get(code="donghuashi"))
    logins.append(DemoLogin(newcomer.username, "填报人", "东花市街道办事处", "首次登录须修改密码"))
    return logins + _seed_city(district, person)


def _seed_city(first: District, person: int) -> list[DemoLogin]:
    city, _ = City.objects.update_or_create(code="110000", defaults={"name": "北京市"})
    code, name, admin_name, admin_full_name = SECOND_DISTRICT
    second, _ = District.objects.update_or_create(code=code, defaults={"name": name, "city": city})
    District.objects.filter(pk=first.pk).update(city=city)
    admin = _user(admin_name, admin_full_name)
    _assign(admin, Role.DISTRICT_ADMIN, district=second)
    city_admin = _user("city.admin", "市政务服务局 周红")
    _assign(city_admin, Role.CITY_ADMIN, city=city)
    logins = [DemoLogin(admin.username, "区管理员", second.name),
              DemoLogin(city_admin.username, "市管理员", city.name, "查看各区进度与汇总，编制全市汇总")]
    for order, (body_code, street) in enumerate(SECOND_STREETS, start=1):
        body, _ = Body.objects.update_or_create(code=body_code, defaults={
            "district": second, "name": f"{street}街道办事处", "short_name": f"{street}街道",
            "kind": BodyKind.STREET_OFFICE, "sort_order": order})
        for role, suffix in ROLE_SUFFIX.items():
            person += 1
            user = _user(f"{body_code}.{suffix}", _person_name(person))
            _assign(user, role, body=body)
            logins.append(DemoLogin(user.username, Role(role).label, body.name))
    return logins
