from django.utils.functional import SimpleLazyObject

from shigan.notifications.selectors import unread_count

__all__ = ["unread"]


def unread(request):
    """The unread count, counted only when a template shows it (the notifications page; the
    header loads its badge from `notifications:badge`, so other pages pay no query)."""
    user = getattr(request, "user", None)
    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user=user))}
