from rest_framework.routers import DefaultRouter

from shigan.research.api.views import ResultViewSet, TopicViewSet, TripViewSet

router = DefaultRouter()
router.register("topics", TopicViewSet, basename="research-topic")
router.register("trips", TripViewSet, basename="research-trip")
router.register("results", ResultViewSet, basename="research-result")
urlpatterns = router.urls
