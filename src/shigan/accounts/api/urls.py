from rest_framework.routers import SimpleRouter

from shigan.accounts.api.admin import AccountViewSet
from shigan.accounts.api.views import ApiTokenViewSet

router = SimpleRouter()
router.register("tokens", ApiTokenViewSet, basename="token")
router.register("accounts", AccountViewSet, basename="account")
urlpatterns = router.urls
