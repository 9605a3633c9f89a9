from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from rest_framework import exceptions, viewsets
from rest_framework.response import Response

from shigan.orgs import services
from shigan.orgs.api.serializers import UnitSerializer, UnitUpdateSerializer
from shigan.orgs.models import Unit
from shigan.orgs.selectors import with_parent_pk
from shigan.orgs.services import user_can

__all__ = ["UnitViewSet"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units in the caller's scope; a unit outside it is 404."""

    serializer_class = UnitSerializer
    queryset = Unit.objects.none()

    def get_queryset(self):
        return with_parent_pk(Unit.objects.restrict(self.request.user, "view"))

    def partial_update(self, request, pk=None):
        unit = self.get_object()
        if not user_can(request.user, "change", unit):
            raise exceptions.PermissionDenied(_("您没有修改该单位的权限。"))
        data = {**UnitSerializer(unit).data, **request.data}
        serializer = UnitUpdateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        try:
            services.unit_update(actor=request.user, unit=unit, **serializer.validated_data)
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(UnitSerializer(self.get_object()).data)
