from rest_framework.routers import DefaultRouter

from shigan.study.api.views import PersonLookupViewSet, StudyActivityViewSet

router = DefaultRouter()
router.register("activities", StudyActivityViewSet, basename="study-activity")
router.register("persons", PersonLookupViewSet, basename="study-person")
urlpatterns = router.urls
