from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from ..errors import ReportError
from ..formats import FIRST_YEAR, VARIANT_NAMES
from .services import parse_reminder_days


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReminderDaysField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(label="催报提醒（截止前天数）", max_length=60, initial="14,7,3,1",
                         help_text="在截止日期前这些天，系统自动提醒尚未提交的单位，例如 14,7,3,1；留空则不自动提醒。",
                         required=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_reminder_days(value or "")
        except ReportError as error:
            raise forms.ValidationError(error.message) from None


class YearOpenForm(forms.Form):
    year = forms.IntegerField(label="报告年度", min_value=FIRST_YEAR)
    variant = forms.ChoiceField(label="格式", required=False,
                                choices=[("", "全国统一格式"), *VARIANT_NAMES.items()],
                                help_text="格式版本由年度决定（2020年度及以前为2019年格式，2021年度起为2021年格式）。")
    deadline = forms.DateField(label="报送截止日期", widget=DateInput(), required=False,
                               help_text="留空为次年1月31日（《条例》第四十九条）。")
    reminder_days = ReminderDaysField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year - 1 if today.month <= 6 else today.year
        self.fields["year"].max_value = today.year
        self.helper = FormHelper()
        self.helper.form_id = "year-open-form"
        self.helper.add_input(Submit("submit", "开启年度"))


class YearScheduleForm(forms.Form):
    deadline = forms.DateField(label="报送截止日期", widget=DateInput())
    reminder_days = ReminderDaysField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "year-schedule-form"
        self.helper.add_input(Submit("submit", "保存"))
