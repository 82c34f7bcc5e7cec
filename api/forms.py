"""The form for a new API token: a 区管理员's for their district, a 市管理员's for the districts of
their city they tick (all, at first). The districts offered are the person's reach (api.access); a
district outside it, even forged into the POST, is refused with a message."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from config.forms import ActionForm, DateInput, TextField

from .models import Scope

MAX_DAYS = 366


def _default_expiry():
    return timezone.localdate() + timedelta(days=90)


class ApiTokenCreateForm(ActionForm):
    submit_label, form_id = "创建令牌", "api-token-create-form"

    name = TextField(label="名称", max_length=100, help_text="谁用这个令牌，例如“市政府信息公开办公室”。")
    scopes = forms.MultipleChoiceField(label="权限范围", choices=Scope.choices, initial=[Scope.READ],
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": "请至少选择一项权限范围。"})
    expires_on = forms.DateField(label="有效期至", widget=DateInput(), initial=_default_expiry,
                                 help_text=f"令牌在这一天结束时失效；最长 {MAX_DAYS} 天。")

    def __init__(self, *args, districts=(), choose=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = {d.code: d for d in districts}
        if choose or len(self.offered) > 1:
            field = forms.MultipleChoiceField(
                label="可读取的区", widget=forms.CheckboxSelectMultiple, initial=list(self.offered),
                choices=[(d.code, d.name) for d in districts],
                help_text="令牌只能读取所选各区的数据；市管理员可选择本市的全部或部分区。",
                error_messages={"required": "请至少选择一个区。",
                                "invalid_choice": "区“%(value)s”不在您的管理范围内，不能为它创建令牌。"})
            self.fields["districts"] = field
            self.order_fields(["name", "districts", "scopes", "expires_on"])

    def clean(self):
        cleaned = super().clean()
        if "districts" not in self.fields and hasattr(self.data, "getlist"):
            # No choice offered: a district named in the POST anyway must be the one offered.
            for code in self.data.getlist("districts"):
                if code not in self.offered:
                    raise forms.ValidationError(f"区“{code[:32]}”不在您的管理范围内，不能为它创建令牌。")
        return cleaned

    def clean_districts(self) -> list:
        return [self.offered[code] for code in self.cleaned_data["districts"]]

    def chosen_districts(self) -> list:
        """The districts the token will read: the ticked ones, or the only one offered."""
        if "districts" in self.fields:
            return self.cleaned_data["districts"]
        return list(self.offered.values())

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("有效期不能早于今天。")
        if day > today + timedelta(days=MAX_DAYS):
            raise forms.ValidationError(f"有效期最长 {MAX_DAYS} 天，请选择更早的日期。")
        return day


class ApiTokenRevokeForm(ActionForm):
    submit_label = "吊销"
