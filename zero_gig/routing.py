"""WebSocket URL routes; any other path is accepted and closed with 4404, so the client learns why."""

from django.urls import path, re_path

from notifications.consumers import (
    CLOSE_NOT_FOUND,
    BoardSocket,
    EmployerSocket,
    HallScreenSocket,
    Refused,
    WorkerSocket,
)

websocket_urlpatterns = [
    path("ws/worker/", WorkerSocket.as_asgi()),
    path("ws/employer/", EmployerSocket.as_asgi()),
    path("ws/centers/<int:center_id>/board/", BoardSocket.as_asgi()),
    path("ws/centers/<int:center_id>/screen/", HallScreenSocket.as_asgi()),
    re_path(r"^", Refused.as_asgi(code=CLOSE_NOT_FOUND)),
]
