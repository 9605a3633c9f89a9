"""core's models, one module each: the working-day calendar, background jobs, data versions,
submitted forms."""

from shigan.core.models.calendar import CalendarYear, Holiday
from shigan.core.models.jobs import Job
from shigan.core.models.submissions import ApiRequest, Submission
from shigan.core.models.versions import DataVersion

__all__ = ["Holiday", "CalendarYear", "Job", "DataVersion", "Submission", "ApiRequest"]
