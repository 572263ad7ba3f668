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

And a request crosses into its thread once, as under WSGI: the request_started signal, the middleware chain with
the view, and, for a response that is not streamed, its close (the request_finished signal, which gives the
database connection back to the pool) run in one synchronous call. Django's own handler runs the chain in its
async mode: with synchronous middleware and views (all of ours) a request went into the thread for the signal's
receivers, into it again for the chain, back to the event loop for Django's async core, into the thread again for
the view, and once more to close the response after sending it (five crossings where one does; each costs
0.1–0.2 ms of CPU: a refused accept 2.0–2.1 → 1.6–1.7 ms in process, a constant JSON view 0.9–1.1 → 0.5–0.7 ms).
A response that is not streamed is whole before it is sent, so closing it first changes nothing the client sees,
and the pooled connection is free a little sooner; a streamed one (a file, an export) is closed after it is sent,
as Django does. An async view (the health check) still works: Django's synchronous path runs it on the event loop
and waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse
from django.urls import set_script_prefix

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

    async def handle(self, scope, receive, send):
        """ASGIHandler.handle (Django 5.2) with the request's synchronous work in one call (`_respond`); the body,
        the disconnect watch and the cancellation are Django's."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))

        async def process_request():
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file)
            with contextlib.suppress(asyncio.CancelledError):  # the client left while it was sent
                await self.send_response(response, send)
            return response

        tasks = [asyncio.create_task(self.listen_for_disconnect(receive)), asyncio.create_task(process_request())]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:  # as Django: the disconnect watch first, then the request, which views may see cancelled
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        try:
            response = tasks[1].result()
        except asyncio.CancelledError:
            # As Django. A view still running goes on in its thread and `_respond` closes a whole response there
            # too, so in this path request_finished may fire twice (its receivers are idempotent); this one runs
            # after it, on the same thread.
            await signals.request_finished.asend(sender=self.__class__)
        else:
            if response.streaming:
                await sync_to_async(response.close)()
        body_file.close()

    def _respond(self, scope, body_file):
        """On the request's thread: what Django's handler does there in several crossings, in one."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size  # as Django's: the ASGI server does the chunking
        if not response.streaming:
            response.close()  # whole already: request_finished now, and the connection back to the pool
        return response

    @property
    def idle(self) -> int:
        return len(self._idle)
