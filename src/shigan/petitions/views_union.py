"""The union desk (工会维权): rights cases of new-form workers, taken in by the same agents as
petitions, on the same clock, masking and routing; only the intake form's categories and the
figures' keys differ. The shared views do the work."""

from django.utils.translation import gettext_lazy

from shigan.petitions.choices import CaseKind
from shigan.petitions.views import FiguresView, IntakeView

__all__ = ["UnionIntakeView", "UnionFiguresView"]


class UnionIntakeView(IntakeView):
    kind = CaseKind.UNION
    title = gettext_lazy("登记工会维权案件")


class UnionFiguresView(FiguresView):
    kind = CaseKind.UNION
