"""口令复杂度 (GB/T 22239 身份鉴别): a Django password validator, so that every path that sets a
password through `validate_password` applies it: the accounts services (creation, change,
reset, the API) and Django's own `createsuperuser` and `changepassword` commands."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shigan.accounts.errors import ErrorCode

__all__ = ["CharacterClassValidator"]

# (label, test) per character class; "other" is anything that is not an ASCII letter or digit.
_CLASSES = (
    (gettext_lazy("大写字母"), lambda c: "A" <= c <= "Z"),
    (gettext_lazy("小写字母"), lambda c: "a" <= c <= "z"),
    (gettext_lazy("数字"), lambda c: "0" <= c <= "9"),
    (
        gettext_lazy("其他字符"),
        lambda c: not ("A" <= c <= "Z" or "a" <= c <= "z" or "0" <= c <= "9"),
    ),
)


class CharacterClassValidator:
    """At least `min_classes` (3) of: upper-case letters, lower-case letters, digits, other
    characters. The message names the classes the password lacks."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        missing = [str(label) for label, test in _CLASSES if not any(map(test, password))]
        if len(_CLASSES) - len(missing) < self.min_classes:
            raise ValidationError(
                _(
                    "密码须包含大写字母、小写字母、数字、其他字符中的至少 %(n)s 类"
                    "（现有 %(have)s 类），可加入：%(missing)s。"
                )
                % {
                    "n": self.min_classes,
                    "have": len(_CLASSES) - len(missing),
                    "missing": "、".join(missing),
                },
                code=ErrorCode.WEAK_PASSWORD,
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、其他字符中的至少 %(n)s 类。") % {
            "n": self.min_classes
        }
