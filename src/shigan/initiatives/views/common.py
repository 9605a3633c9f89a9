"""What the delivery pages share: the campaign a page is in (`?campaign=`), the day a board
is drawn for (`?on=`), and the rights checks."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shigan.initiatives import forms, selectors
from shigan.orgs.permissions import user_can


def campaign_of(request, unit):
    campaign = selectors.campaign_for_unit(
        user=request.user, unit=unit, pk=request.GET.get("campaign")
    )
    if campaign is None:
        raise Http404
    return campaign


def require(user, action: str, unit) -> None:
    if not user_can(user, action, unit):
        raise PermissionDenied(_("您没有在该单位登记的权限。"))


def require_office(user, campaign) -> None:
    if not user_can(user, "change", campaign.root_unit):
        raise PermissionDenied(_("只有活动办管理员可以维护民生项目清单。"))


def day_of(request):
    """The day a board is drawn for (`?on=`), today by default."""
    form = forms.BoardFilterForm(request.GET)
    return (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
