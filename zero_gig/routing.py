"""WebSocket URL routes."""

from django.urls import path

from notifications.consumers import BoardSocket, EmployerSocket, WorkerSocket

websocket_urlpatterns = [
    path("ws/worker/", WorkerSocket.as_asgi()),
    path("ws/employer/", EmployerSocket.as_asgi()),
    path("ws/centers/<int:center_id>/board/", BoardSocket.as_asgi()),
]
