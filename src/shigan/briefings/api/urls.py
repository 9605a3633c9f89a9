from rest_framework.routers import SimpleRouter

from shigan.briefings.api.views import BriefingViewSet, TemplateViewSet

router = SimpleRouter()
router.register("templates", TemplateViewSet, basename="briefing-template")
router.register("", BriefingViewSet, basename="briefing")
urlpatterns = router.urls
