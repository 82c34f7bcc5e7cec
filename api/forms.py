"""The 区管理员's form for a new API token."""

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
