# The local HTTP receiver and the channel settings pointed at it (issue 18).
from shigan.notifications.tests.receiver import channels, receiver  # noqa: F401
