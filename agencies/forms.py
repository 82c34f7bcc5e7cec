from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import RegexValidator
from django.utils import timezone

from config.forms import ActionForm, DateInput, TextField, refuse_control_characters

from .models import BodyKind, Role


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错 5 次，账号将被锁定 15 分钟。",
        "inactive": "该账号已停用，请联系区管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.helper = FormHelper()
        self.helper.form_id = "login-form"
        self.helper.add_input(Submit("submit", "登录", css_class="w-100"))


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password2"].label = "确认新密码"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "修改密码"))


ROLE_CHOICES_IN_BODY = [(r.value, r.label) for r in (Role.FILLER, Role.DEPT_HEAD, Role.DIRECTOR)]


class BodyCreateForm(ActionForm):
    submit_label, form_id = "新增单位", "body-create-form"

    code = TextField(label="单位代码", max_length=32, help_text="英文字母、数字或连字符，设定后不能修改。",
                     validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", "单位代码只能包含英文字母、数字、点、下划线和连字符。")])
    name = TextField(label="名称", max_length=100)
    short_name = TextField(label="简称", max_length=50, required=False)
    kind = forms.ChoiceField(label="类型", choices=[c for c in BodyKind.choices if c[0] != BodyKind.DISTRICT_GOVERNMENT])
    active_from = forms.DateField(label="启用日期", widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(districts) > 1:
            self.fields["district"] = forms.ModelChoiceField(label="区", queryset=districts)


class BodyRenameForm(ActionForm):
    submit_label, form_id = "更名", "body-rename-form"

    new_name = TextField(label="新名称", max_length=100)
    short_name = TextField(label="新简称", max_length=50, required=False)
    effective = forms.DateField(label="更名生效日期", widget=DateInput(),
                                help_text="此前各年度的报告仍使用原名称。")


class BodyCloseForm(ActionForm):
    submit_label, form_id = "撤销单位", "body-close-form"

    active_to = forms.DateField(label="撤销日期", widget=DateInput(),
                                help_text="撤销后不再为该单位开启新的年度报告，其人员的角色同日结束。")
    confirm = forms.BooleanField(label="我确认撤销该单位", error_messages={"required": "请勾选“我确认撤销该单位”。"})


class PersonCreateForm(ActionForm):
    submit_label, form_id = "新增人员", "person-create-form"

    username = TextField(label="登录名", max_length=150)
    full_name = TextField(label="姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱", max_length=254, required=False, help_text="用于接收催报提醒和审核通知。")
    phone = TextField(label="电话", max_length=30, required=False)
    password = forms.CharField(label="初始密码", required=False, max_length=128, strip=False,
                               validators=[refuse_control_characters], widget=forms.PasswordInput(render_value=False),
                               help_text="留空则由系统生成随机密码并只显示一次。该人员首次登录时须修改密码。")
    body = forms.ModelChoiceField(label="单位", queryset=None, required=False)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "（暂不分配）"), *ROLE_CHOICES_IN_BODY])
    start_date = forms.DateField(label="角色起始日期", widget=DateInput(), initial=timezone.localdate, required=False)

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean(self):
        data = super().clean()
        if bool(data.get("body")) != bool(data.get("role")):
            raise forms.ValidationError("分配角色须同时选择单位和角色。")
        return data


class PersonUpdateForm(ActionForm):
    submit_label, form_id = "保存", "person-update-form"

    full_name = TextField(label="姓名", max_length=50)
    email = forms.EmailField(label="电子邮箱", max_length=254, required=False)
    phone = TextField(label="电话", max_length=30, required=False)
    is_active = forms.BooleanField(label="账号启用", required=False,
                                   help_text="停用后不能登录；其角色和报告记录保留。不能停用自己的账号。")


class PasswordResetForm(ActionForm):
    submit_label, form_id = "重置密码", "password-reset-form"

    password = forms.CharField(label="新的初始密码", required=False, max_length=128, strip=False,
                               validators=[refuse_control_characters], widget=forms.PasswordInput(),
                               help_text="留空则由系统生成。该人员下次登录时须修改密码。")


class RoleAssignForm(ActionForm):
    submit_label, form_id = "分配角色", "role-assign-form"

    # 市管理员 is not a district's to grant (see `manage.py city`).
    role = forms.ChoiceField(label="角色", choices=[(r.value, r.label) for r in Role if r != Role.CITY_ADMIN])
    body = forms.ModelChoiceField(label="单位", queryset=None, required=False, help_text="区管理员不选单位。")
    start_date = forms.DateField(label="起始日期", widget=DateInput(), initial=timezone.localdate)
    end_date = forms.DateField(label="截止日期", widget=DateInput(), required=False)

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean(self):
        data = super().clean()
        if data.get("role") and data["role"] != Role.DISTRICT_ADMIN and not data.get("body"):
            self.add_error("body", "请选择单位。")
        return data


class RoleEndForm(forms.Form):
    end_date = forms.DateField(label="截止日期", widget=DateInput(), initial=timezone.localdate)


class PeopleImportForm(ActionForm):
    submit_label, form_id = "上传并预览", "people-import-form"

    file = forms.FileField(label="人员表（.xlsx）", help_text="请使用下载的模板，最大 2 MB。")
