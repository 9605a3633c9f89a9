from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from shigan.notifications import selectors, services

__all__ = [
    "NotificationListView",
    "NotificationBadgeView",
    "NotificationReadView",
    "NotificationReadAllView",
]

PAGE_SIZE = 50


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        items = selectors.notification_list(user=request.user, unread_only=unread_only)
        page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"page": page, "unread_only": unread_only}
        return render(request, "notifications/list.html", context)


class NotificationBadgeView(LoginRequiredMixin, View):
    """The unread count in the header, loaded by htmx after the page: the pages themselves do
    not pay a query for it."""

    def get(self, request):
        count = selectors.unread_count(user=request.user)
        response = render(request, "notifications/badge.html", {"count": count})
        response["Cache-Control"] = "no-store"
        return response


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one read and follow its link (a local one only)."""

    def post(self, request, pk):
        notification = selectors.notification_get(user=request.user, pk=pk)
        services.notification_mark_read(user=request.user, notification=notification)
        link = notification.link
        if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
            return redirect(link)
        return redirect("notifications:list")


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        services.notification_mark_read(user=request.user)
        return redirect("notifications:list")
