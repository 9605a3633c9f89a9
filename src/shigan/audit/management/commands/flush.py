"""Django's `flush` (the demo's reset, the test suite's cleanup), allowed past the audit
guard on SQLite: emptying the whole database is the owner's act and shows as truncation in
`shigan audit verify`; deleting single entries stays refused (shigan.audit.guard)."""

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from shigan.audit.guard import erasing


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with erasing():
            return super().handle(**options)
