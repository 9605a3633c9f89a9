"""The comparison tests use the carry-over tests' world."""

from shigan.problems.tests.carryover.conftest import new, office, old  # noqa: F401
from shigan.problems.tests.conftest import calendar, campaign, editor  # noqa: F401
