"""Writes of the 区管理员 about bodies and people. Each records an AdminAction in its transaction.

Keyword-only, one transaction each, guard clauses raising AdminError (shown to the person as is).
"""

import secrets
import string
from datetime import date, timedelta

import structlog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.dates import cn_date

from .errors import AdminError
from .models import AdminAction, Body, BodyName, District, Role, RoleAssignment, User
from .services import user_set_initial_password
from .signals import body_created

log = structlog.get_logger(__name__)

K = AdminAction.Kind


def admin_action_record(*, district: District, actor: User | None, kind: str, summary: str,
                        body: Body | None = None, person: User | None = None, data: dict | None = None) -> AdminAction:
    """Call inside the transaction of the change it records."""
    action = AdminAction.objects.create(district=district, actor=actor, kind=kind, summary=summary[:300],
                                        body=body, person=person, data=data or {})
    log.info("admin_action", kind=kind, district=district.pk, actor=actor.pk if actor else None,
             body=body.pk if body else None, person=person.pk if person else None)
    return action


def _d(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------------------------------------
# Bodies


@transaction.atomic
def body_create(*, district: District, code: str, name: str, kind: str, by: User, short_name: str = "",
                active_from: date | None = None) -> Body:
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise AdminError("单位代码和名称不能为空。")
    if Body.objects.filter(code=code).exists():
        raise AdminError(f"单位代码“{code}”已被使用，单位代码一经设定不能重复。")
    if Body.objects.filter(district=district, name=name, active_to__isnull=True).exists():
        raise AdminError(f"本区已有名为“{name}”的在用单位。")
    last = Body.objects.filter(district=district).order_by("-sort_order").values_list("sort_order", flat=True).first()
    body = Body.objects.create(district=district, code=code, name=name, short_name=short_name.strip(), kind=kind,
                               active_from=active_from or timezone.localdate(), sort_order=(last or 0) + 1)
    admin_action_record(district=district, actor=by, kind=K.BODY_CREATED, body=body,
                        summary=f"新增单位：{name}（{code}）",
                        data={"code": code, "name": name, "kind": kind, "active_from": _d(body.active_from)})
    body_created.send(sender=Body, body=body, by=by)
    return body


@transaction.atomic
def body_rename(*, body: Body, new_name: str, effective: date, by: User, short_name: str | None = None) -> Body:
    """The body bears `new_name` from `effective`; before that day it keeps the old name, so the
    reports of past years are printed under the name they were published with."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    new_name = new_name.strip()
    if not new_name:
        raise AdminError("新名称不能为空。")
    if new_name == body.name:
        raise AdminError("新名称与当前名称相同。")
    if body.active_to is not None:
        raise AdminError("已撤销的单位不能更名。")
    if effective <= body.active_from:
        raise AdminError("更名日期须晚于单位的启用日期。")
    names = list(body.names.order_by("valid_from"))
    if not names:
        names = [BodyName.objects.create(body=body, name=body.name, valid_from=body.active_from)]
    current = names[-1]
    if effective <= current.valid_from:
        raise AdminError(f"更名日期须晚于上次更名的日期（{cn_date(current.valid_from)}）。")
    old_name = body.name
    current.valid_to = effective - timedelta(days=1)
    current.save(update_fields=["valid_to"])
    BodyName.objects.create(body=body, name=new_name, valid_from=effective)
    body.name = new_name
    if short_name is not None:
        body.short_name = short_name.strip()
    body.save(update_fields=["name", "short_name"])
    admin_action_record(district=body.district, actor=by, kind=K.BODY_RENAMED, body=body,
                        summary=f"单位更名：{old_name} → {new_name}（{cn_date(effective)}起）",
                        data={"from": old_name, "to": new_name, "effective": _d(effective)})
    return body


@transaction.atomic
def body_close(*, body: Body, on: date, by: User) -> Body:
    """撤销: the body stops on `on`; roles held in it end that day too."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    if body.active_to is not None:
        raise AdminError(f"该单位已于{cn_date(body.active_to)}撤销。")
    if on < body.active_from:
        raise AdminError("撤销日期不能早于单位的启用日期。")
    body.active_to = on
    body.save(update_fields=["active_to"])
    ended = list(
        RoleAssignment.objects.filter(body=body, start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gt=on))
        .values_list("pk", flat=True)
    )
    RoleAssignment.objects.filter(pk__in=ended).update(end_date=on)
    RoleAssignment.objects.filter(body=body, start_date__gt=on).delete()
    admin_action_record(district=body.district, actor=by, kind=K.BODY_CLOSED, body=body,
                        summary=f"撤销单位：{body.name}（{cn_date(on)}）",
                        data={"active_to": _d(on), "roles_ended": ended})
    return body


# ---------------------------------------------------------------------------------------------
# People


def generate_password(length: int = 14) -> str:
    """A random initial password that satisfies the 等保 rules (all four character classes)."""
    pools = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "@#%&*+=?")
    while True:
        chars = [secrets.choice(pool) for pool in pools]
        chars += [secrets.choice("".join(pools)) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


def check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AdminError("初始密码不符合要求：" + "；".join(error.messages)) from None


@transaction.atomic
def person_create(*, district: District, username: str, full_name: str, by: User, email: str = "",
                  phone: str = "", password: str = "") -> tuple[User, str]:
    """A new account that must change its password at first login. Returns the person and the
    initial password (given, or generated), which the caller shows once and never stores."""
    username = username.strip()
    if not username or not full_name.strip():
        raise AdminError("登录名和姓名不能为空。")
    if User.objects.filter(username__iexact=username).exists():
        raise AdminError(f"登录名“{username}”已被使用。")
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), phone=phone.strip())
    generated = not password
    if password:
        check_password(password, user)
    else:
        password = generate_password()
    user.set_unusable_password()
    user.save()
    user_set_initial_password(user=user, password=password, by=by)
    admin_action_record(district=district, actor=by, kind=K.PERSON_CREATED, person=user,
                        summary=f"新增人员：{user.full_name}（{username}）",
                        data={"username": username, "full_name": user.full_name, "email": user.email,
                              "phone": user.phone, "password_generated": generated})
    return user, password


@transaction.atomic
def person_update(*, district: District, user: User, by: User, full_name: str, email: str, phone: str,
                  is_active: bool) -> dict[str, list]:
    """Change a person's name, contacts or whether they may sign in. Returns what changed
    ({field: [before, after]}), empty when nothing did."""
    if user.pk == by.pk and not is_active:
        raise AdminError("不能停用自己的账号。如需停用，请由本区的其他区管理员操作。")
    if not full_name.strip():
        raise AdminError("姓名不能为空。")
    before = {"full_name": user.full_name, "email": user.email, "phone": user.phone, "is_active": user.is_active}
    after = {"full_name": full_name.strip(), "email": email.strip(), "phone": phone.strip(), "is_active": is_active}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed:
        return changed
    for field, (_, value) in changed.items():
        setattr(user, field, value)
    user.save(update_fields=list(changed))
    admin_action_record(district=district, actor=by, kind=K.PERSON_UPDATED, person=user,
                        summary=f"修改人员信息：{user.display_name}", data={"changed": changed})
    return changed


@transaction.atomic
def person_password_reset(*, district: District, user: User, by: User, password: str = "") -> str:
    if password:
        check_password(password, user)
    else:
        password = generate_password()
    user_set_initial_password(user=user, password=password, by=by)
    admin_action_record(district=district, actor=by, kind=K.PASSWORD_SET, person=user,
                        summary=f"设置初始密码：{user.display_name}（登录后须修改）")
    return password


@transaction.atomic
def role_assign(*, user: User, role: str, by: User, district: District, body: Body | None = None,
                start_date: date, end_date: date | None = None) -> RoleAssignment:
    """Give a person a role in a body (or, for 区管理员, in the district) for a period."""
    if role not in Role.values:
        raise AdminError("未知的角色。")
    if end_date is not None and end_date < start_date:
        raise AdminError("截止日期不能早于起始日期。")
    scope = {"district": district, "body": None} if role == Role.DISTRICT_ADMIN else {"body": body, "district": None}
    if role != Role.DISTRICT_ADMIN:
        if body is None or body.district_id != district.pk:
            raise AdminError("请选择本区的单位。")
        if body.active_to is not None and start_date > body.active_to:
            raise AdminError(f"{body.name}已于{cn_date(body.active_to)}撤销，不能再分配角色。")
    overlapping = RoleAssignment.objects.filter(user=user, role=role, **scope).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if overlapping.exists():
        raise AdminError(f"{user.display_name}在这段时间内已担任该角色。")
    assignment = RoleAssignment.objects.create(user=user, role=role, start_date=start_date, end_date=end_date,
                                               **scope)
    where = body.name if body is not None and role != Role.DISTRICT_ADMIN else district.name
    admin_action_record(district=district, actor=by, kind=K.ROLE_ASSIGNED, person=user,
                        body=body if role != Role.DISTRICT_ADMIN else None, summary=f"分配角色：{user.display_name} 任 {where}{Role(role).label}",
                        data={"role": role, "start_date": _d(start_date), "end_date": _d(end_date),
                              "assignment": assignment.pk})
    return assignment


@transaction.atomic
def role_end(*, assignment: RoleAssignment, end_date: date, by: User, district: District) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update(of=("self",)).select_related("user", "body").get(
        pk=assignment.pk)
    if end_date < assignment.start_date:
        raise AdminError(f"截止日期不能早于起始日期（{cn_date(assignment.start_date)}）。")
    if assignment.role == Role.DISTRICT_ADMIN and assignment.user_id == by.pk:
        raise AdminError("不能结束自己的区管理员角色，请由其他区管理员操作。")
    before = assignment.end_date
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    admin_action_record(district=district, actor=by, kind=K.ROLE_ENDED, person=assignment.user,
                        body=assignment.body,
                        summary=f"结束角色：{assignment.user.display_name} 的{assignment.get_role_display()}"
                                f"（{cn_date(end_date)}止）",
                        data={"assignment": assignment.pk, "role": assignment.role,
                              "end_date": [_d(before), _d(end_date)]})
    return assignment
