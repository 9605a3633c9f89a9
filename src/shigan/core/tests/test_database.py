"""The database connection as production opens it."""

import pytest
from django.db import connection


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is a PostgreSQL setting")
def test_postgresql_connections_run_without_jit():
    # A page's small queries must not pay for JIT compilation (settings.py says why).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
