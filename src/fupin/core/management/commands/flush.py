"""`fupin flush` (and the test runner's flush between transactional tests): Django's flush, with the
audit table's append-only triggers lifted for the duration. Emptying the whole database is an
administrator's act outside the application; no code path of the application itself can delete
audit events."""

from django.core.management.commands import flush
from django.db import connections

from fupin.core import append_only


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if append_only.TABLE not in connection.introspection.table_names():
            return super().handle(**options)
        with append_only.suspended(connection):
            return super().handle(**options)
