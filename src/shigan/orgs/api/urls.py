from rest_framework.routers import DefaultRouter

from shigan.orgs.api.views import MembershipViewSet, PersonViewSet, UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("people", PersonViewSet, basename="person")
urlpatterns = router.urls
