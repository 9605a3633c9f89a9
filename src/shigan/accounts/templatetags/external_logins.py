from typing import Any

from django import template

from shigan.accounts.external.choices import directory_login_enabled, login_choices

register = template.Library()


@register.inclusion_tag("accounts/_external_logins.html", takes_context=True)
def external_logins(context: template.Context) -> dict[str, Any]:
    return {
        "choices": login_choices(),
        "directory": directory_login_enabled(),
        "next": context.get("next", ""),
    }
