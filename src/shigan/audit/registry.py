"""Every audit action code with its Chinese label, registered once by the app that writes it."""

from django.utils.translation import gettext_lazy as _

__all__ = ["ACTIONS", "register_action", "action_label"]

ACTIONS: dict[str, str] = {}


def register_action(code: str, label) -> str:
    ACTIONS[code] = label
    return code


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


register_action("accounts.user.login", _("登录"))
register_action("accounts.user.logout", _("退出登录"))
register_action("accounts.user.login_failed", _("登录失败"))
register_action("accounts.user.created", _("创建用户"))
register_action("accounts.user.password_changed", _("修改密码"))
register_action("accounts.token.created", _("创建 API 令牌"))
register_action("accounts.token.revoked", _("撤销 API 令牌"))
register_action("orgs.unit.created", _("创建单位"))
register_action("orgs.unit.updated", _("修改单位"))
register_action("orgs.unit.moved", _("移动单位"))
register_action("orgs.division.imported", _("导入行政区划"))
register_action("orgs.membership.granted", _("授予角色"))
register_action("orgs.membership.revoked", _("撤销角色"))
register_action("orgs.person.created", _("登记人员"))
register_action("core.holiday.set", _("设置节假日"))
register_action("core.holiday.deleted", _("删除节假日"))
register_action("core.calendar.seeded", _("导入工作日历"))
register_action("core.calendar.completed", _("标记工作日历完整"))
register_action("problems.problem.created", _("登记问题"))
register_action("problems.problem.state_changed", _("问题状态变更"))
register_action("core.job.created", _("创建后台任务"))
register_action("campaigns.campaign.created", _("创建主题教育"))
register_action("campaigns.batch.created", _("创建批次"))
register_action("campaigns.participation.enrolled", _("纳入参学单位"))
register_action("campaigns.aspect.created", _("新增方面"))
register_action("campaigns.aspect.renamed", _("重命名方面"))
register_action("campaigns.aspect.reordered", _("调整方面顺序"))
register_action("campaigns.group.created", _("创建巡回指导组"))
register_action("campaigns.group.assigned", _("指定联系单位"))
register_action("campaigns.group.member_added", _("增加指导组成员"))
register_action("campaigns.visit.logged", _("登记指导记录"))
register_action("campaigns.participation.removed", _("移出参学单位"))
register_action("campaigns.group.member_removed", _("移除指导组成员"))
register_action("campaigns.group.unassigned", _("取消联系单位"))
register_action("study.activity.created", _("登记学习活动"))
register_action("study.activity.updated", _("修改学习活动"))
register_action("study.activity.deleted", _("删除学习活动"))
register_action("study.participant.added", _("增加参加学习的领导"))
register_action("study.participant.removed", _("移除参加学习的领导"))
register_action("research.topic.created", _("确定调研课题"))
register_action("research.topic.transitioned", _("调研课题状态变更"))
register_action("research.plan.submitted", _("提交调研方案"))
register_action("research.plan.reviewed", _("审核调研方案"))
register_action("research.trip.logged", _("登记调研"))
register_action("research.report.submitted", _("提交调研报告"))
register_action("research.result.created", _("登记调研成果"))
register_action("research.result.adopted", _("调研成果采纳"))
register_action("problems.measure.added", _("登记整改措施"))
