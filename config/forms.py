"""What every form of the project's staff pages shares: where it is sent, and plain text only.

`ActionForm` takes the URL it posts to as a required argument: a page often carries several forms
(a body's page: 更名 and 撤销单位), and the page's own URL only shows it, so a form without an action
would post into the void. `TextField` refuses what a name, a phone number or a code never contains
(control characters, bidirectional overrides) with a message instead of storing it, because such a
character breaks the Excel exports later and spoofs names on screen.
"""

import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

# Bidirectional embeddings, overrides and isolates: they reorder what is shown (a "Trojan source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def refuse_control_characters(value: str) -> None:
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS:
            name = "换行符" if char in "\r\n" else "制表符" if char == "\t" else f"U+{ord(char):04X}"
            raise ValidationError(f"不能包含控制字符（{name}），请删除后重新填写。", code="control_character")


def search_text(value: str, *, limit: int = 100) -> str:
    """What was typed in a search box, without what no text contains (PostgreSQL refuses NUL)."""
    return "".join(c for c in value if c.isprintable())[:limit].strip()


class TextField(forms.CharField):
    """One line of plain text with a length limit (required, so that nothing is cut silently)."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        self.validators.append(refuse_control_characters)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActionForm(forms.Form):
    """A crispy form that knows where it is sent (`action`, required), its id on the page (`form_id`,
    required: a class's own, or one per instance when a page shows several, e.g. a revoke form per row)
    and what its button says.

    The id also names the button (`<form_id>-submit`: crispy would give every button `submit-id-submit`)
    and the fields (`<form_id>-name`, not `id_name`), so that two forms on one page never share an id."""

    submit_label = "保存"
    form_id = ""

    def __init__(self, *args, action: str, form_id: str = "", **kwargs):
        if not action:
            raise ValueError(f"{type(self).__name__} needs the URL it is sent to.")
        form_id = form_id or self.form_id
        if not form_id:
            raise ValueError(f"{type(self).__name__} needs its id on the page (form_id).")
        kwargs.setdefault("auto_id", f"{form_id}-%s")
        super().__init__(*args, **kwargs)
        self.form_id = form_id
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_method = "post"
        self.helper.form_id = form_id
        self.helper.attrs = {"data-keep-typed": ""}  # put back after a login (static/js/keep-typed.js)
        self.set_submit_label(self.submit_label)

    def set_submit_label(self, label: str) -> None:
        self.helper.inputs = [Submit("submit", label, css_id=f"{self.form_id}-submit")]
