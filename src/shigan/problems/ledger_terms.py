"""The words a problem ledger is compared in, shared by its reading (`imports`) and its
writing (`ledger_sync`): what a row's state says, its time limit, and a title's identity."""

import re

from shigan.core.spreadsheets.values import match_key

__all__ = ["LedgerState", "TimeLimit", "title_text", "title_key"]


class LedgerState:
    """What a ledger's 完成情况 / 整改状态 cell says of a row."""

    OPEN = "open"  # not started: planned measures do not start it
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"  # claimed done: it arrives as a close-out request


class TimeLimit:
    __slots__ = ("term", "deadline", "workdays")

    def __init__(self, term, deadline=None, workdays=None):
        self.term = term
        self.deadline = deadline
        self.workdays = workdays

    def __eq__(self, other):
        return isinstance(other, TimeLimit) and (self.term, self.deadline, self.workdays) == (
            other.term,
            other.deadline,
            other.workdays,
        )

    def __repr__(self):
        return f"TimeLimit({self.term!r}, {self.deadline!r}, {self.workdays!r})"


_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
_SPACES = re.compile(r"\s+")


def title_text(text: str) -> str:
    """A problem title as stored: full-width digits and letters made half-width, runs of
    spaces and line breaks made one space."""
    return _SPACES.sub(" ", (text or "").translate(_FULL_WIDTH_ALNUM)).strip()


def title_key(text) -> str:
    """What two spellings of one title share: half-width, no spaces, same punctuation."""
    return match_key(text).replace("。", ".").replace("、", ",")
