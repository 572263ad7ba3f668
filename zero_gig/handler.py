"""Django's ASGI handler, with each request's synchronous work done in one go on a thread kept from earlier requests.

Under ASGI, Django runs each request's synchronous code (middleware and view) on a thread of its own: asgiref's
`ThreadSensitiveContext` starts a one-thread executor for the request and ends it after. Starting and ending that
thread cost about 1 ms of CPU a request on the 2-core servers (measured in process on 2026-12-01: a constant JSON
view 2.4–3.5 ms → 1.3–1.5 ms), as much as everything else such a view does; for the feed, an accept or a page it
is a tenth to a fifth of the request.

Here the executors are kept: a request takes an idle one (or starts one when all are busy) and gives it back when
it is done, as a WSGI server's thread pool does. Each still runs one request at a time, so a request's code stays
on one thread, and what Django keeps per thread is set up and torn down per request as before: the request signals
close the thread's database connection at the end of each request (back to the pool), and the language, time zone
and the like live in the request's context variables, which asgiref copies into the thread for every call.

And the middleware chain and the view run as one synchronous call, as under WSGI. Django's own handler runs the
chain in its async mode: with synchronous middleware and views (all of ours) a request went into the thread for
the chain, back to the event loop for Django's async core, and into the thread again for the view (three crossings
where one does; about 0.4 ms a request). An async view (the health check) still works: Django's synchronous path
runs it on the event loop and waits.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import FileResponse

# Threads kept idle at most; a burst that needs more starts them and ends them afterwards, as Django would.
IDLE_THREADS = 32


class ThreadKeepingASGIHandler(ASGIHandler):
    def __init__(self, idle_threads: int = IDLE_THREADS):
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)  # the chain as under WSGI (ASGIHandler.__init__ loads it async)
        self.idle_threads = idle_threads
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            # A request cancelled while its view still runs gives back a busy executor: the next request on it
            # waits for that view to finish, one at a time as before.
            if len(self._idle) < self.idle_threads:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)

    async def run_get_response(self, request):
        """The whole chain in one crossing into the request's thread (ASGIHandler.run_get_response, in sync mode)."""
        response = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size  # as Django's: the ASGI server does the chunking
        return response

    @property
    def idle(self) -> int:
        return len(self._idle)
