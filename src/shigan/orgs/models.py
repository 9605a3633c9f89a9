from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shigan.orgs.choices import PersonRank, Role, UnitKind
from shigan.orgs.fields import PathField
from shigan.orgs.scoping import ScopedQuerySet, Viewer, path_upper

if TYPE_CHECKING:
    # treebeard ships no type stubs: to the type checker its classes are Django's, and the
    # tree operations used here are declared on UnitManager below.
    from typing import TypeVar

    from django.db.models import Model as MP_Node

    _M = TypeVar("_M", bound=models.Model)

    class MP_NodeQuerySet(models.QuerySet[_M]): ...

    class MP_NodeManager(models.Manager[_M]): ...

else:
    from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

__all__ = ["Unit", "Person", "Membership"]


class UnitQuerySet(MP_NodeQuerySet["Unit"], ScopedQuerySet["Unit"]):  # type: ignore[override]
    # (django-stubs gives each queryset class its own `as_manager` type; never called on this one)
    unit_path_field = "path"

    def subtree_of(self, unit: "Unit") -> "UnitQuerySet":
        return self.filter(path__gte=unit.path, path__lt=path_upper(unit.path))


class UnitManager(MP_NodeManager["Unit"]):
    def get_queryset(self) -> UnitQuerySet:
        return UnitQuerySet(self.model, using=self._db).order_by("path")

    def restrict(self, user: Viewer, action: str = "view") -> UnitQuerySet:
        return self.get_queryset().restrict(user, action)

    def subtree_of(self, unit: "Unit") -> UnitQuerySet:
        return self.get_queryset().subtree_of(unit)

    if TYPE_CHECKING:
        # The tree operations of treebeard's manager this project uses, typed.
        def get_children(self, node: "Unit") -> UnitQuerySet: ...
        def get_ancestors(self, node: "Unit") -> UnitQuerySet: ...
        def get_parent(self, node: "Unit", update: bool = False) -> "Unit | None": ...
        def get_root_nodes(self) -> UnitQuerySet: ...
        def all(self) -> UnitQuerySet: ...
        def filter(self, *args: Any, **kwargs: Any) -> UnitQuerySet: ...
        def add_root(
            self, create_kwargs: dict[str, Any] | None = None, *, instance: "Unit | None" = None
        ) -> "Unit": ...
        def add_child(
            self,
            target: "Unit",
            create_kwargs: dict[str, Any] | None = None,
            *,
            instance: "Unit | None" = None,
        ) -> "Unit": ...
        def move(self, node: "Unit", target: "Unit", pos: str | None = None) -> None: ...


class Unit(MP_Node):
    path = PathField(_("路径"), max_length=255, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    # NULL, not "", for units that are not divisions: the unique constraint skips them.
    division_code = models.CharField(  # noqa: DJ001
        _("行政区划代码"), max_length=12, null=True, blank=True, db_index=True
    )
    division_level = models.PositiveSmallIntegerField(_("区划级别"), null=True, blank=True)
    sort_order = models.IntegerField(_("排序"), default=0)
    active = models.BooleanField(_("有效"), default=True)
    initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, db_index=True)
    initials_alt = models.CharField(
        _("拼音首字母（异读）"), max_length=100, blank=True, db_index=True
    )

    steplen = 4
    objects = UnitManager()

    if TYPE_CHECKING:
        # MP_Node's fields (treebeard ships no type stubs).
        depth: int
        numchild: int
        alphabet: ClassVar[str]

        @classmethod
        def _str2int(cls, num: str) -> int: ...
        @classmethod
        def _int2str(cls, num: int) -> str: ...
        @classmethod
        def _get_path(cls, path: str | None, depth: int, newstep: int) -> str: ...

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(
                fields=["division_level", "division_code"],
                condition=Q(division_code__isnull=False),
                name="orgs_unit_unique_division",
            ),
        ]

    @classmethod
    def lineage_paths(cls, path: str) -> list[str]:
        """The paths from the root down to `path`, itself included (its ancestors' paths are
        its prefixes)."""
        return [path[:i] for i in range(cls.steplen, len(path) + 1, cls.steplen)]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:unit_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def breadcrumbs(self, user: Viewer) -> list["Unit"]:
        """The unit's ancestors that the user may see, then the unit (a method, so that
        core's generic views reach it without importing orgs)."""
        if self.depth == 1:
            return [self]
        return [*Unit.objects.get_ancestors(self).restrict(user, "view"), self]


class Person(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="people"
    )
    post = models.CharField(_("职务"), max_length=100, blank=True)
    rank = models.CharField(_("职级"), max_length=20, choices=PersonRank.choices)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    # People leave: a deactivated person keeps their records and is no longer offered.
    active = models.BooleanField(_("在册"), default=True, db_index=True)
    initials = models.CharField(_("拼音首字母"), max_length=50, blank=True, db_index=True)
    initials_alt = models.CharField(_("拼音首字母（异读）"), max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("对应账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="orgs_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"
