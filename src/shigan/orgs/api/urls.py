from rest_framework.routers import DefaultRouter

from shigan.orgs.api.views import UnitViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
urlpatterns = router.urls
