"""Forms of the review page. Each carries the status the person saw (stale pages are refused)."""

from django import forms

from reports.models import ReportStatus

from . import secrecy

MAX_COMMENTS = 20
BLANK_ROWS = 3


class _ActionForm(forms.Form):
    """The review page shows several of these forms at once: each names its fields' ids apart
    (approve_expected_status, return_expected_status…), so that no id is on the page twice."""

    id_prefix = ""
    expected_status = forms.ChoiceField(choices=ReportStatus.choices, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class StatusForm(_ActionForm):
    """Submit and withdraw: nothing but the status seen."""

    id_prefix = "status"


class ApproveForm(_ActionForm):
    """保密审查 and the opinion: every point of secrecy.POINTS ticked, an opinion written."""

    id_prefix = "approve"

    points = forms.MultipleChoiceField(label="保密审查（逐项确认）", choices=secrecy.CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"invalid_choice": "请只勾选列出的保密审查要点。"})
    comment = forms.CharField(label="审核意见", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2, "placeholder": "如：经保密审查，同意公开。"}),
                              error_messages={"required": "请填写审核意见（将印在审核表上）。"})

    def clean_points(self):
        points = self.cleaned_data.get("points") or []
        missing = secrecy.missing_points(points)
        if missing:
            raise forms.ValidationError(secrecy.missing_message(missing))
        return points

    @property
    def stale(self) -> bool:
        """Only the status seen is wrong: the page is out of date (nothing the person typed)."""
        return "expected_status" in self.errors


class ReturnForm(_ActionForm):
    id_prefix = "return"

    reason = forms.CharField(label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "退回修改须写明退回理由。"})

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets

    def comments(self) -> list[dict]:
        """The comment rows typed (comment_target_N / comment_text_N), blank ones left out."""
        rows = []
        for index in range(MAX_COMMENTS):
            text = (self.data.get(f"comment_text_{index}") or "").strip()
            target = (self.data.get(f"comment_target_{index}") or "").strip()
            if text:
                rows.append({"target": target, "text": text, "number": index + 1})
        return rows

    def comment_rows(self) -> list[dict]:
        """What to show: the rows typed (after an error) plus blank ones."""
        rows = [{"target": r["target"], "text": r["text"]} for r in self.comments()] if self.is_bound else []
        rows += [{"target": "", "text": ""}] * BLANK_ROWS
        return [{"index": i, **row} for i, row in enumerate(rows[:MAX_COMMENTS])]


class AssignReviewerForm(_ActionForm):
    """指定审核人: one of the district's reviewers who did not edit the report."""

    id_prefix = "assign"

    reviewer = forms.TypedChoiceField(label="指定审核人", coerce=int, empty_value=None,
                                      widget=forms.Select(attrs={"class": "form-select"}),
                                      error_messages={"required": "请选择审核人。",
                                                      "invalid_choice": "请从列表中选择审核人。"})

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", "请选择…"), *candidates]
