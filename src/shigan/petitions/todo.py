"""Petitions' 待办: petitions on the user's desk whose statutory clock is red or yellow (the
desk filtered to them)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shigan.core.todo import TodoItem
from shigan.petitions.selectors import desk

__all__ = ["petitions_todo"]


def petitions_todo(user):
    yield TodoItem(
        _("临近法定期限的信访件"),
        desk(user=user, near_limit=True).count(),
        reverse("petitions:desk") + "?near=1",
        15,
    )
