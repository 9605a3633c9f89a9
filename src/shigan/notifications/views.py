from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from shigan.core.errors import DomainError
from shigan.core.pagination import page_of
from shigan.notifications import selectors, services
from shigan.notifications.channels import configured_channels
from shigan.notifications.choices import DeliveryState
from shigan.notifications.forms import ContactForm

__all__ = [
    "NotificationListView",
    "NotificationBadgeView",
    "NotificationReadView",
    "NotificationReadAllView",
    "ContactView",
    "DeliveryListView",
    "DeliveryRetryView",
]


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        items = selectors.notification_list(user=request.user, unread_only=unread_only)
        page = page_of(request, items)
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
        if link and url_has_allowed_host_and_scheme(
            link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(link)
        return redirect("notifications:list")


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request):
        services.notification_mark_read(user=request.user)
        return redirect("notifications:list")


class ContactView(LoginRequiredMixin, View):
    """The user's own addresses outside shigan, shown masked."""

    def _render(self, request, form, status=200):
        context = {
            "form": form,
            "masked": services.contact_masked(request.user),
            "channels": [c.label for c in configured_channels()],
        }
        return render(request, "notifications/contact.html", context, status=status)

    def get(self, request):
        return self._render(request, ContactForm())

    def post(self, request):
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                services.contact_set(actor=request.user, user=request.user, **form.changes())
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("联系方式已保存。"))
                return redirect("notifications:contact")
        return self._render(request, form)


class DeliveryListView(LoginRequiredMixin, View):
    """Messages sent outside shigan, for administrators: who, what, on which channel, how it
    went and why it failed."""

    def get(self, request):
        state = request.GET.get("state", "")
        state = state if state in DeliveryState.values else ""
        items = selectors.delivery_list(user=request.user, state=state)
        page = page_of(request, items)
        context = {"page": page, "state": state, "states": DeliveryState.choices}
        return render(request, "notifications/deliveries.html", context)


class DeliveryRetryView(LoginRequiredMixin, View):
    def post(self, request, pk):
        delivery = selectors.delivery_get(user=request.user, pk=pk)
        try:
            services.delivery_retry(actor=request.user, delivery=delivery)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已重新排队发送。"))
        return redirect(f"{reverse('notifications:deliveries')}?state=failed")
