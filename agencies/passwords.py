import string

from django.core.exceptions import ValidationError

_CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda c: c in string.punctuation or (not c.isalnum() and not c.isspace())),
)


class CharacterClassValidator:
    """等保 2.0 二级: a password mixes at least three of upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(1 for _, test in _CLASSES if any(test(c) for c in password))
        if used < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        kinds = "、".join(name for name, _ in _CLASSES)
        return f"密码须至少包含{kinds}中的 {self.min_classes} 类。"
