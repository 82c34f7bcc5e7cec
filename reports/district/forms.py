from django import forms
from django.utils import timezone

from config.forms import ActionForm, DateInput, refuse_control_characters

from ..errors import ReportError
from ..formats import FIRST_YEAR, VARIANT_NAMES
from .services import parse_reminder_days


class ReminderDaysField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(label="催报提醒（截止前天数）", max_length=60, initial="14,7,3,1",
                         help_text="在截止日期前这些天，系统自动提醒尚未提交的单位，例如 14,7,3,1；留空则不自动提醒。",
                         required=False, validators=[refuse_control_characters], **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_reminder_days(value or "")
        except ReportError as error:
            raise forms.ValidationError(error.message) from None


class YearOpenForm(ActionForm):
    """Opening a year. A year whose deadline has already passed is opened only once the person has
    seen how many overdue drafts it creates: `confirmed` then carries what they confirmed."""

    submit_label, form_id = "开启年度", "year-open-form"

    year = forms.IntegerField(label="报告年度", min_value=FIRST_YEAR)
    variant = forms.ChoiceField(label="格式", required=False,
                                choices=[("", "全国统一格式"), *VARIANT_NAMES.items()],
                                help_text="格式版本由年度决定（2020年度及以前为2019年格式，2021年度起为2021年格式）。")
    deadline = forms.DateField(label="报送截止日期", widget=DateInput(), required=False,
                               help_text="留空为次年1月31日（《条例》第四十九条）。")
    reminder_days = ReminderDaysField()
    confirmed = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year - 1 if today.month <= 6 else today.year
        self.fields["year"].max_value = today.year
        self.fields["year"].widget.attrs["max"] = today.year

    @staticmethod
    def confirmation(year: int, deadline) -> str:
        """What a confirmation stands for: this year with this deadline (changing either asks again)."""
        return f"{year}:{deadline.isoformat()}"

    def ask_to_confirm(self, token: str, button: str) -> None:
        """Show the form again, ready to be sent with the confirmation and a button that says so."""
        data = self.data.copy()
        data["confirmed"] = token
        self.data = data
        self.set_submit_label(button)


class YearScheduleForm(ActionForm):
    submit_label, form_id = "保存", "year-schedule-form"

    deadline = forms.DateField(label="报送截止日期", widget=DateInput())
    reminder_days = ReminderDaysField()


class NewBodiesReportForm(forms.Form):
    """为新增单位创建报告: the bodies (ids) the person saw listed when clicking."""

    bodies = forms.CharField(max_length=4000)

    def clean_bodies(self):
        try:
            return sorted({int(part) for part in self.cleaned_data["bodies"].split(",") if part.strip()})
        except ValueError:
            raise forms.ValidationError("单位列表无效，请刷新页面后重试。") from None
