from rest_framework.routers import DefaultRouter

from shigan.core.api_jobs import JobViewSet

router = DefaultRouter()
router.register("jobs", JobViewSet, basename="core-job")
urlpatterns = router.urls
