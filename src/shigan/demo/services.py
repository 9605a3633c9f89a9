"""The demo installation: the Inner Mongolia unit tree, one account for each kind of user, and
the scenario "Inner Mongolia 2023 theme education" as of 2023-06-07 (`shigan.demo.scenario`)."""

from base64 import b32decode
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shigan.accounts.choices import SystemRole
from shigan.accounts.second_factor import has_second_factor, second_factor_required
from shigan.accounts.services import user_create
from shigan.accounts.system import system_actor
from shigan.demo.scenario import ScenarioReport, scenario_build, scenario_exists
from shigan.demo.scenario.context import DEMO_PASSWORD
from shigan.orgs.choices import Role
from shigan.orgs.divisions import divisions_import
from shigan.orgs.models import Membership, Unit
from shigan.orgs.services import membership_grant

__all__ = [
    "DemoAccount",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "demo_setup",
    "demo_reset",
    "demo_totp_now",
]

# The demo accounts that must use a second factor (the campaign office, a unit administrator;
# the auditor) share this published TOTP secret, as they share the published password: add it
# to an authenticator app, or read the current code from `shigan demo --totp`.
DEMO_TOTP_SECRET = "ONUGSZ3BNYWWIZLNN4WXI33UOAWWWZLZ"  # base32 of "shigan-demo-totp-key"
REGION_CODE = "150000000000"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    description: object
    division: tuple[int, str] | None = None
    role: str | None = None
    system_role: str = SystemRole.NONE


DEMO_ACCOUNTS = (
    DemoAccount(
        "office",
        "自治区主题教育办公室",
        _("活动办管理员（内蒙古自治区）"),
        (1, REGION_CODE),
        Role.ADMIN,
    ),
    DemoAccount(
        "league_leader", "锡林郭勒盟领导", _("领导（锡林郭勒盟）"), (2, "152500000000"), Role.LEADER
    ),
    DemoAccount(
        "banner_editor", "阿巴嘎旗填报员", _("填报员（阿巴嘎旗）"), (3, "152522000000"), Role.EDITOR
    ),
    DemoAccount(
        "gacha_agent",
        "阿日哈夏图嘎查信访代办员",
        _("信访代办员（阿巴嘎旗别力古台镇阿日哈夏图嘎查）"),
        (5, "152522100200"),
        Role.EDITOR,
    ),
    DemoAccount("guide", "第一巡回指导组组长", _("巡回指导组成员（自治区主题教育第一巡回指导组）")),
    DemoAccount(
        "auditor", "审计管理员", _("审计管理员（只读审计记录）"), system_role=SystemRole.AUDITOR
    ),
)


def _unit(division: tuple[int, str]) -> Unit:
    level, code = division
    return Unit.objects.get(division_level=level, division_code=code)


@transaction.atomic
def _ensure_account(account: DemoAccount) -> None:
    User = get_user_model()
    user = User.objects.filter(username=account.username).first()
    if user is None:
        user = user_create(
            actor=system_actor("演示数据"),
            username=account.username,
            password=DEMO_PASSWORD,
            full_name=account.full_name,
            system_role=account.system_role,
        )
    if account.division and account.role:
        unit = _unit(account.division)
        if not Membership.objects.filter(user=user, unit=unit, role=account.role).exists():
            membership_grant(
                actor=system_actor("演示数据"), user=user, unit=unit, role=account.role
            )
    if second_factor_required(user) and not has_second_factor(user):
        TOTPDevice.objects.create(
            user=user, name="totp", confirmed=True, key=b32decode(DEMO_TOTP_SECRET).hex()
        )


def demo_totp_now() -> str:
    """The current code of the demo accounts' published secret (not of any stored device)."""
    return f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"


def demo_setup(
    *, progress: Callable[[str], None] = lambda _msg: None, scenario: bool = True
) -> ScenarioReport | None:
    """Idempotent: loads what is missing, keeps what is there. Returns the scenario's report
    when it was built now."""
    if not Unit.objects.filter(division_code=REGION_CODE, division_level=1).exists():
        progress(str(_("正在导入内蒙古自治区区划（5 级，约 1.6 万个单位）…")))
        divisions_import(actor=system_actor("演示数据"), province="15", depth=5, progress=progress)
    for account in DEMO_ACCOUNTS:
        _ensure_account(account)
    if not scenario:
        return None
    if scenario_exists():
        progress(str(_("演示场景已存在（用 --reset 重建）。")))
        return None
    progress(str(_("正在生成演示场景“内蒙古 2023 年主题教育”（截至 2023-06-07）…")))
    User = get_user_model()
    accounts = {a.username: User.objects.get(username=a.username) for a in DEMO_ACCOUNTS}
    return scenario_build(accounts=accounts, progress=progress)


def demo_reset(*, progress: Callable[[str], None] = lambda _msg: None) -> None:
    """Empty the database (every table, the audit trail included) and the evidence files, so
    that `demo_setup` rebuilds the demo from nothing. For demo installations only."""
    import shutil

    from django.core.management import call_command
    from django.db import connection

    from shigan.problems.storage import evidence_root

    progress(str(_("正在清空数据库…")))
    if connection.vendor == "postgresql":
        # Deferred foreign-key checks pending in an open transaction make TRUNCATE fail.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if evidence_root().is_dir():
        shutil.rmtree(evidence_root())
