"""When the database is out (PostgreSQL stopped, restarting, or every pooled connection taken for too long), a
request fails fast with 503 and Retry-After: under /api/ the API's JSON error body, elsewhere a page saying to
try again in a minute. Never a 500, which would say the fault is a bug.

Django's database errors come wrapped as django.db.OperationalError / InterfaceError (a psycopg_pool PoolTimeout
included, as the wait for a connection is made inside Django's error wrapper). The pool checks each connection
as it is taken (CONN_HEALTH_CHECKS, see settings), so once PostgreSQL is back the next request gets a fresh
connection: the processes recover without a restart.

Failing fast: the first request to find the database out waits for the pool's timeout (DB_POOL_TIMEOUT, 5 s);
for the next OUTAGE_SECONDS the process answers 503 at once without trying (a circuit breaker), then lets
requests try again. /healthz always tries. A lost lock race still lost after zero_gig.db's retries also
answers 503 ("try again" suits it), but does not trip the breaker: the database is there.

Sessions and the user are read lazily, in the view, so a database error surfaces there and reaches
`process_exception`.
"""

import logging
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.db import InterfaceError, OperationalError

from . import error_views
from .db import is_conflict

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 10
OUTAGE_SECONDS = 2.0
ALWAYS_TRIED = ("/healthz",)

_down_until = 0.0  # time.monotonic() until which this process answers 503 without trying


def reset() -> None:
    global _down_until
    _down_until = 0.0


class DatabaseUnavailable:
    """Sync and async alike: no thread hop on the way through."""

    sync_capable = async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        return self._refused(request) or self.get_response(request)

    async def __acall__(self, request):
        return self._refused(request) or await self.get_response(request)

    def _refused(self, request):
        if time.monotonic() < _down_until and request.path not in ALWAYS_TRIED:
            return _unavailable(request)
        return None

    def process_exception(self, request, exception):
        global _down_until
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not is_conflict(exception):
            _down_until = time.monotonic() + OUTAGE_SECONDS
        log.error("database unavailable for %s %s: %s", request.method, request.path, exception)
        return _unavailable(request)


def _unavailable(request):
    response = error_views.service_unavailable(request)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
