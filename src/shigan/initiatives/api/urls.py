from rest_framework.routers import DefaultRouter

from shigan.initiatives.api.views import (
    IndicatorReportViewSet,
    IndicatorViewSet,
    KeyTaskViewSet,
    LivelihoodAreaViewSet,
    LivelihoodItemViewSet,
    MilestoneViewSet,
    ProjectViewSet,
)

router = DefaultRouter()
router.register("key-tasks", KeyTaskViewSet, basename="initiatives-key-task")
router.register("milestones", MilestoneViewSet, basename="initiatives-milestone")
router.register("projects", ProjectViewSet, basename="initiatives-project")
router.register("livelihood-areas", LivelihoodAreaViewSet, basename="initiatives-livelihood-area")
router.register("livelihood-items", LivelihoodItemViewSet, basename="initiatives-livelihood-item")
router.register("indicators", IndicatorViewSet, basename="initiatives-indicator")
router.register(
    "indicator-reports", IndicatorReportViewSet, basename="initiatives-indicator-report"
)
urlpatterns = router.urls
