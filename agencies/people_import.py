"""Bulk import of people from an XLSX sheet: read and check every row first (the preview), store
nothing until the 区管理员 confirms, then create everything in one transaction or nothing.

The sheet's first row holds the column titles of COLUMNS (order free, extra columns ignored).
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from config.spreadsheets import XlsxLimits, XlsxRefused, cell_values, check_xlsx

from .admin_services import (
    K,
    admin_action_record,
    check_password,
    generate_password,
    person_create,
    role_assign,
)
from .errors import AdminError
from .models import Body, District, Role, User

COLUMNS = {
    "username": "登录名", "full_name": "姓名", "body": "单位代码", "role": "角色",
    "email": "电子邮箱", "phone": "电话", "start_date": "起始日期", "password": "初始密码",
}
REQUIRED = ("username", "full_name", "body", "role")
ROLE_BY_LABEL = {Role.FILLER.label: Role.FILLER, Role.DEPT_HEAD.label: Role.DEPT_HEAD,
                 Role.DIRECTOR.label: Role.DIRECTOR}
MAX_ROWS = 2000
# A sheet of MAX_ROWS people, with room for blank rows and a few extra columns; nothing for a bomb.
LIMITS = XlsxLimits(max_bytes=2 * 1024 * 1024, max_uncompressed=30 * 1024 * 1024, max_members=100,
                    max_rows=5 * MAX_ROWS, max_columns=50, max_cells=40 * MAX_ROWS, max_spanned=1_000)
MAX_FILE_BYTES = LIMITS.max_bytes
LENGTH_CHECKED = ("username", "full_name", "email", "phone")  # stored on User: its max_length holds


@dataclass
class ImportRow:
    line: int  # the row number in the sheet, as Excel/WPS shows it
    data: dict
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    errors: list[str] = field(default_factory=list)  # about the file as a whole

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if not row.ok)

    def as_session(self) -> list[dict]:
        return [row.data for row in self.rows]


def template_workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "人员"
    ws.append(cell_values(COLUMNS.values()))
    ws.append(["example.filler", "张三", "donghuashi", "填报人", "zhangsan@example.gov.cn", "010-12345678",
               "2026-01-01", ""])
    for column in "ABCDEFGH":
        ws.column_dimensions[column].width = 18
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _open(content: bytes):
    """The first sheet; the guard refuses what is not a small, sane XLSX before openpyxl opens it."""
    try:
        check_xlsx(content, LIMITS)
    except XlsxRefused as refused:
        raise AdminError(refused.message) from None
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise AdminError("无法读取该文件：文件已损坏或不是 .xlsx 格式。") from None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return date(year, month, day)
    except (ValueError, TypeError):
        raise ValueError(f"起始日期“{_text(value)}”无法识别，请写成 2026-01-01") from None


def read_rows(content: bytes) -> list[ImportRow]:
    sheet = _open(content)
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    by_title = {title: key for key, title in COLUMNS.items()}
    positions = {by_title[title]: index for index, title in enumerate(header) if title in by_title}
    missing = [COLUMNS[key] for key in REQUIRED if key not in positions]
    if missing:
        raise AdminError(f"第一行缺少列：{'、'.join(missing)}。请使用下载的模板。")
    result = []
    for line, values in enumerate(rows, start=2):
        if not any(_text(v) for v in values):
            continue
        if len(result) >= MAX_ROWS:
            raise AdminError(f"一次最多导入 {MAX_ROWS} 行。")
        cells = {key: (values[index] if index < len(values) else None) for key, index in positions.items()}
        row = ImportRow(line, {key: _text(value) for key, value in cells.items() if key != "start_date"})
        try:
            start = _date(cells.get("start_date"))
            row.data["start_date"] = start.isoformat() if start else ""
        except ValueError as error:
            row.data["start_date"] = _text(cells.get("start_date"))
            row.errors.append(str(error))
        result.append(row)
    return result


def check_rows(rows: list[ImportRow], *, district: District) -> None:
    """Add every row's errors: required values, lengths that fit the database, a valid e-mail, known
    body and role, unique and new 登录名, password. The confirmation runs it again, so what passes
    the preview cannot fail there."""
    bodies = {b.code: b for b in Body.objects.filter(district=district)}
    names = [row.data.get("username", "") for row in rows]
    taken = {u.lower() for u in User.objects.filter(username__in=[n for n in names if n]).values_list(
        "username", flat=True)}
    seen: dict[str, int] = {}
    for row in rows:
        data = row.data
        for key in REQUIRED:
            if not data.get(key):
                row.errors.append(f"“{COLUMNS[key]}”不能为空")
        for key in LENGTH_CHECKED:
            limit = User._meta.get_field(key).max_length
            if len(data.get(key, "")) > limit:
                row.errors.append(f"“{COLUMNS[key]}”过长（{len(data[key])} 个字符，最多 {limit} 个）")
        if data.get("email"):
            try:
                validate_email(data["email"])
            except ValidationError:
                row.errors.append(f"电子邮箱“{data['email'][:60]}”格式不正确")
        username = data.get("username", "")
        if username:
            if username.lower() in taken:
                row.errors.append(f"登录名“{username}”已存在；如需为其增加角色，请在人员页面操作")
            elif username.lower() in seen:
                row.errors.append(f"登录名“{username}”与第 {seen[username.lower()]} 行重复")
            seen.setdefault(username.lower(), row.line)
        body = bodies.get(data.get("body", ""))
        if data.get("body") and body is None:
            row.errors.append(f"单位代码“{data['body']}”不是本区的单位")
        elif body is not None and body.active_to is not None:
            row.errors.append(f"{body.name}已撤销")
        if data.get("role") and data["role"] not in ROLE_BY_LABEL:
            row.errors.append(f"角色“{data['role']}”无法识别，应为：{'、'.join(ROLE_BY_LABEL)}")
        if data.get("password"):
            try:
                check_password(data["password"], User(username=username, full_name=data.get("full_name", "")))
            except AdminError as error:
                row.errors.append(error.message)


def people_import_preview(*, district: District, content: bytes) -> ImportPreview:
    """Read and check; writes nothing."""
    try:
        rows = read_rows(content)
    except AdminError as error:
        return ImportPreview(rows=[], errors=[error.message])
    if not rows:
        return ImportPreview(rows=[], errors=["表格中没有人员数据。"])
    check_rows(rows, district=district)
    return ImportPreview(rows=rows)


@transaction.atomic
def people_import_commit(*, district: District, rows: list[dict], by: User) -> list[tuple[User, str]]:
    """Create the previewed people; the rows are checked again (the data may have changed since the
    preview) and the whole import is refused if any row fails. Returns (person, initial password)."""
    checked = [ImportRow(index, dict(data)) for index, data in enumerate(rows, start=2)]
    check_rows(checked, district=district)
    if not checked or any(not row.ok for row in checked):
        raise AdminError("导入内容已失效或有错误，请重新上传文件。")
    bodies = {b.code: b for b in Body.objects.filter(district=district)}
    today = timezone.localdate()
    created = []
    for row in checked:
        data = row.data
        password = data.get("password") or generate_password()
        user, password = person_create(district=district, username=data["username"], full_name=data["full_name"],
                                       email=data.get("email", ""), phone=data.get("phone", ""),
                                       password=password, by=by)
        start = date.fromisoformat(data["start_date"]) if data.get("start_date") else today
        role_assign(user=user, role=ROLE_BY_LABEL[data["role"]], body=bodies[data["body"]], district=district,
                    start_date=start, by=by)
        created.append((user, password))
    admin_action_record(district=district, actor=by, kind=K.PEOPLE_IMPORTED,
                        summary=f"批量导入人员 {len(created)} 名",
                        data={"usernames": [user.username for user, _ in created]})
    return created
