from rest_framework.routers import DefaultRouter

from shigan.petitions.api.views import AgentViewSet, PetitionViewSet

router = DefaultRouter()
router.register("petitions", PetitionViewSet, basename="petitions-petition")
router.register("agents", AgentViewSet, basename="petitions-agent")
urlpatterns = router.urls
