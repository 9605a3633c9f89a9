"""The limits a briefing template renders under (issue 16): loop steps, output size and time.

A template is written by a campaign office, so it is untrusted input: nested loops over a
string or a doubled {% with %} value could hold a worker for seconds or fill its memory. Every
render runs with a Budget; a template that breaks it on its sample render is refused on save,
and a saved one that breaks it on real figures fails that briefing with the reason."""

import time

from django.utils.translation import gettext as _

__all__ = [
    "MAX_LOOP_STEPS",
    "MAX_OUTPUT_CHARS",
    "MAX_SECONDS",
    "MAX_WIDTH",
    "Budget",
    "TemplateLimitError",
    "too_long",
]

MAX_LOOP_STEPS = 10_000  # loop iterations over the whole render
MAX_OUTPUT_CHARS = 200_000  # a long briefing is ~5,000 characters
MAX_SECONDS = 1.0
MAX_WIDTH = 200  # the widest a filter may pad or format a value


class TemplateLimitError(Exception):
    pass


def too_long() -> str:
    return _("模板生成的文字超过 %(n)d 字的上限。") % {"n": MAX_OUTPUT_CHARS}


class Budget:
    __slots__ = ("steps", "chars", "deadline")

    def __init__(self):
        self.steps = self.chars = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def _in_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TemplateLimitError(
                _("模板生成超过 %(s)s 秒的时间上限。") % {"s": f"{MAX_SECONDS:g}"}
            )

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_LOOP_STEPS:
            raise TemplateLimitError(
                _("模板的循环次数超过 %(n)d 次的上限。") % {"n": MAX_LOOP_STEPS}
            )
        self._in_time()

    def emit(self, size: int) -> None:
        self.chars += size
        if self.chars > MAX_OUTPUT_CHARS:
            raise TemplateLimitError(too_long())
        self._in_time()
