from rest_framework.routers import DefaultRouter

from shigan.orgs.api.views import MembershipViewSet, UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("memberships", MembershipViewSet, basename="membership")
urlpatterns = router.urls
