from rest_framework.routers import DefaultRouter

from shigan.initiatives.api.views.indicator_reports import IndicatorReportViewSet
from shigan.initiatives.api.views.indicators import IndicatorViewSet
from shigan.initiatives.api.views.key_tasks import KeyTaskViewSet
from shigan.initiatives.api.views.livelihood import LivelihoodAreaViewSet, LivelihoodItemViewSet
from shigan.initiatives.api.views.milestones import MilestoneViewSet
from shigan.initiatives.api.views.projects import ProjectViewSet

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
