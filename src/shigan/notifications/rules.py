"""What goes where (issue 18): for each notice kind and each role the recipient holds towards
it, whether the notice goes out on a channel at once, waits for the daily digest, or stays on
the notifications page only. Defaults below; SHIGAN_NOTIFY_RULES (JSON) overrides them per kind
and role. A kind not listed takes the rules of its longest listed dotted prefix, then "*".
"""

import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from shigan.notifications.choices import NoticeMode

__all__ = ["NoticeKind", "Role", "KINDS", "mode_for", "kind_summary", "kind_order"]

IMMEDIATE, DIGEST, OFF = NoticeMode.IMMEDIATE, NoticeMode.DIGEST, NoticeMode.OFF


class Role:
    """The recipient's part in the notice (the `role` argument of notification_send)."""

    ANY = "*"
    RESPONSIBLE = "responsible"  # the responsible leader named on the record
    UNIT = "unit"  # the staff of the record's own unit, measure owners
    SUPERIOR = "superior"  # leaders of the units above
    REVIEWER = "reviewer"  # who must decide (close-out, extension, plan)
    REQUESTER = "requester"  # who asked and gets the decision


@dataclass(frozen=True)
class NoticeKind:
    code: str
    summary: object  # the digest's count, "待审核销号 %(n)d 件"
    rules: dict


# In digest order: what the reader must decide first, then what is late, then outcomes.
KINDS: dict[str, NoticeKind] = {
    k.code: k
    for k in (
        NoticeKind("problems.closeout.submitted", _("待审核销号 %(n)d 件"), {Role.ANY: IMMEDIATE}),
        NoticeKind(
            "problems.extension.requested", _("待审批延期申请 %(n)d 件"), {Role.ANY: DIGEST}
        ),
        NoticeKind("research.plan", _("待审核调研方案 %(n)d 个"), {Role.ANY: DIGEST}),
        NoticeKind(
            "problems.light.red",
            _("红灯问题 %(n)d 个"),
            {Role.RESPONSIBLE: IMMEDIATE, Role.UNIT: IMMEDIATE, Role.SUPERIOR: DIGEST},
        ),
        NoticeKind(
            "problems.light.yellow",
            _("黄灯问题 %(n)d 个"),
            {Role.RESPONSIBLE: DIGEST, Role.UNIT: DIGEST, Role.SUPERIOR: OFF},
        ),
        NoticeKind("petitions.deadline", _("临期信访件 %(n)d 件"), {Role.ANY: IMMEDIATE}),
        NoticeKind("problems.closeout", _("销号审核结果 %(n)d 件"), {Role.ANY: IMMEDIATE}),
        NoticeKind("problems.extension", _("延期审批结果 %(n)d 件"), {Role.ANY: IMMEDIATE}),
        NoticeKind("core.import", _("导入完成 %(n)d 项"), {Role.ANY: IMMEDIATE}),
    )
}
DEFAULT_MODE = IMMEDIATE


@lru_cache(maxsize=4)
def _overrides(raw: str) -> dict:
    if not raw:
        return {}
    try:
        rules = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"SHIGAN_NOTIFY_RULES 不是有效的 JSON：{error}") from error
    modes = set(NoticeMode.values)
    for kind, roles in rules.items():
        bad = {m for m in roles.values() if m not in modes}
        if bad:
            raise ImproperlyConfigured(
                f"SHIGAN_NOTIFY_RULES 中“{kind}”的取值须为 {'、'.join(sorted(modes))}"
            )
    return rules


def _prefixes(kind: str):
    parts = kind.split(".")
    for n in range(len(parts), 0, -1):
        yield ".".join(parts[:n])


def mode_for(kind: str, role: str = "") -> str:
    """The mode of a notice of `kind` for a recipient in `role`."""
    overrides = _overrides(settings.SHIGAN_NOTIFY_RULES or "")
    role = role or Role.ANY
    for prefix in _prefixes(kind):
        rules = {**(KINDS[prefix].rules if prefix in KINDS else {}), **overrides.get(prefix, {})}
        if rules:
            return rules.get(role, rules.get(Role.ANY, DEFAULT_MODE))
    return DEFAULT_MODE


def kind_order(kind: str) -> int:
    """The kind's place in the digest (unlisted kinds last)."""
    order = list(KINDS)
    for prefix in _prefixes(kind):
        if prefix in KINDS:
            return order.index(prefix)
    return len(order)


def kind_summary(kind: str, n: int) -> str:
    """The digest's count of `n` notices of a kind: "待审核销号 3 件"."""
    for prefix in _prefixes(kind):
        if prefix in KINDS:
            return str(KINDS[prefix].summary) % {"n": n}
    return _("其他提醒 %(n)d 条") % {"n": n}
