"""Research's 待办: plans waiting for this guidance-group member's review (the review inbox)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shigan.core.todo import TodoItem
from shigan.research.selectors import inbox_plans

__all__ = ["research_todo"]


def research_todo(user):
    yield TodoItem(
        _("待审核的调研方案"), inbox_plans(user=user).count(), reverse("research:inbox"), 12
    )
