"""The study metrics. Sessions count StudyActivity rows; attendances count (session, leader)
rows. The engine sums rows, it cannot count DISTINCT people: "distinct leaders who studied"
(FIGURES row 1) is `selectors.study_leaders`, linked to its own records page. Nor can the
engine filter by batch: FIGURES rows 5 and 6 are `study_coverage` / `study_sessions_of_batch`.
"""

from django.utils.translation import gettext_lazy as _

from shigan.metrics.registry import campaign_metric, register_variant
from shigan.study.models import StudyActivity, StudyParticipant

__all__ = ["SESSIONS", "ATTENDANCES"]

SESSIONS = campaign_metric(
    "study.sessions", _("学习活动次数"), StudyActivity, date_field="held_on", dims=("kind",)
)
ATTENDANCES = register_variant(
    SESSIONS,
    key="study.attendances",
    label=_("领导干部参加学习人次"),
    model=StudyParticipant,
)
