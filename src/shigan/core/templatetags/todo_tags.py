"""`{% todo_panel %}`: the 待办 panel, for whichever page a role lands on (the home page, a
guidance group's units …), drawn from the providers the apps registered (core/todo.py)."""

from typing import Any

from django import template

from shigan.core.todo import todo_items

register = template.Library()


@register.inclusion_tag("core/partials/todo.html", takes_context=True)
def todo_panel(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    items = todo_items(user) if user is not None and user.is_authenticated else []
    return {"todo": items}
