"""The abstract transition row: one state change of a record (who, when, from, to, why). A
concrete transition names its record (`record_fk`) and sets `state_choices`; the history of the
states, and so every as-of figure, is read from these rows."""

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Transition", "record_fk", "to_state_field"]


class Transition(models.Model):
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20)
    day = models.DateField(_("日期"), db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    comment = models.TextField(_("说明"), blank=True)

    state_choices: type[models.TextChoices]  # set by each kind of transition
    record_field: str  # the name of the foreign key to the record that changed

    class Meta:
        abstract = True
        ordering = ["day", "pk"]

    def __str__(self) -> str:
        record_id = getattr(self, f"{self.record_field}_id")
        return f"{record_id}: {self.from_state or '—'} → {self.to_state}"

    def from_label(self) -> str:
        return str(dict(self.state_choices.choices).get(self.from_state, "—"))

    # The templates' name for it, as if `from_state` had choices ("" has none: "—").
    get_from_state_display = from_label

    def to_label(self) -> str:
        return str(dict(self.state_choices.choices).get(self.to_state, self.to_state))


_R = TypeVar("_R", bound=models.Model)


def record_fk(model: type[_R], verbose_name: Any) -> "models.ForeignKey[_R, _R]":
    """A transition's record, whose history is `record.transitions` and goes with it."""
    return models.ForeignKey(
        model, verbose_name=verbose_name, on_delete=models.CASCADE, related_name="transitions"
    )


def to_state_field(states: type[models.TextChoices]) -> "models.CharField[Any, Any]":
    """`to_state` with the record's states as its choices."""
    return models.CharField(_("新状态"), max_length=20, choices=states.choices)
