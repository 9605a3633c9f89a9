from django.urls import path
from rest_framework.routers import DefaultRouter

from shigan.problems.api.carryover import CarryOverView
from shigan.problems.api.imports import LedgerImportViewSet
from shigan.problems.api.problems import ProblemViewSet
from shigan.problems.api.programs import RuleViewSet, SpecialProgramViewSet
from shigan.problems.api.records import EvidenceViewSet, MeasureViewSet, ReportViewSet
from shigan.problems.api.reviews import CloseOutViewSet, ExtensionViewSet

router = DefaultRouter()
router.register("problems", ProblemViewSet, basename="problems-problem")
router.register("measures", MeasureViewSet, basename="problems-measure")
router.register("progress-reports", ReportViewSet, basename="problems-report")
router.register("evidence", EvidenceViewSet, basename="problems-evidence")
router.register("closeouts", CloseOutViewSet, basename="problems-closeout")
router.register("extensions", ExtensionViewSet, basename="problems-extension")
router.register("special-programs", SpecialProgramViewSet, basename="problems-program")
router.register("rules", RuleViewSet, basename="problems-rule")
router.register("ledgers", LedgerImportViewSet, basename="problems-ledger")
urlpatterns = [
    path("carry-over/", CarryOverView.as_view(), name="problems-carry-over"),
    *router.urls,
]
