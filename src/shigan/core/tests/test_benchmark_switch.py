import pytest
from django.test import override_settings

from shigan.accounts.system import system_actor
from shigan.audit.models import AuditEntry
from shigan.core import services
from shigan.core.benchmark import trail_is_off, trail_switched_off
from shigan.core.models import DataVersion
from shigan.core.versions import versions_touch

pytestmark = pytest.mark.django_db


def test_the_audit_trail_cannot_be_switched_off_outside_a_benchmark():
    with pytest.raises(RuntimeError, match="SHIGAN_BENCHMARK_ONLY"), trail_switched_off():
        pass
    assert not trail_is_off()
    before = AuditEntry.objects.count()
    services.calendar_year_seed(actor=system_actor("test"), year=2023)
    assert AuditEntry.objects.count() == before + 1


@pytest.mark.parametrize("value", [False, "1", 1])
def test_only_the_setting_set_to_true_lets_it_off(value):
    with (
        override_settings(SHIGAN_BENCHMARK_ONLY=value),
        pytest.raises(RuntimeError),
        trail_switched_off(),
    ):
        pass


@override_settings(SHIGAN_BENCHMARK_ONLY=True)
def test_a_benchmark_switches_off_the_audit_and_the_versions_together():
    before = AuditEntry.objects.count()
    with trail_switched_off():
        assert trail_is_off()
        services.calendar_year_seed(actor=system_actor("test"), year=2023)
        versions_touch(["bench:key"])
    assert not trail_is_off()
    assert AuditEntry.objects.count() == before and not DataVersion.objects.filter(key="bench:key")
    versions_touch(["bench:key"])
    assert DataVersion.objects.filter(key="bench:key").exists()
