"""When the database is out (PostgreSQL stopped, restarting, or every pooled connection taken for too long), a
request fails fast with 503 and Retry-After: under /api/ the API's JSON error body, elsewhere a page saying to
try again in a minute. Never a 500, which would say the fault is a bug.

Django's database errors come wrapped as django.db.OperationalError / InterfaceError (a psycopg_pool PoolTimeout
included, as the wait for a connection is made inside Django's error wrapper). The pool checks each connection
as it is taken (CONN_HEALTH_CHECKS, see settings), so once PostgreSQL is back the next request gets a fresh
connection: the processes recover without a restart.

Sessions and the user are read lazily, in the view, so a database error surfaces there and reaches
`process_exception`. A lost lock race that is still lost after zero_gig.db's retries lands here too: 503 and
"try again" suits it as well.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.utils.deprecation import MiddlewareMixin

from . import error_views

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10


class DatabaseUnavailable(MiddlewareMixin):
    """Sync and async alike (MiddlewareMixin): no thread hop on the way through, only when it answers."""

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        log.error("database unavailable for %s %s: %s", request.method, request.path, exception)
        response = error_views.service_unavailable(request)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
