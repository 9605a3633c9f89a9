from rest_framework.routers import DefaultRouter

from shigan.research.api.views import ResultViewSet, TopicViewSet, TripViewSet
from shigan.research.api.views_promotion import PromotionViewSet, TargetViewSet

router = DefaultRouter()
router.register("topics", TopicViewSet, basename="research-topic")
router.register("trips", TripViewSet, basename="research-trip")
router.register("results", ResultViewSet, basename="research-result")
router.register("promotions", PromotionViewSet, basename="research-promotion")
router.register("promotion-targets", TargetViewSet, basename="research-promotion-target")
urlpatterns = router.urls
