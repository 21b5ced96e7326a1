from channels.routing import URLRouter
from django.urls import path

from kindred.accounts.sockets import SocketMFAGate
from kindred.core.consumers import EventsConsumer
from kindred.rooms.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/events/", EventsConsumer.as_asgi()),
    path("ws/rooms/<int:room_id>/", RoomConsumer.as_asgi()),
]

# Every socket passes the account's second-factor gate before its consumer runs.
websocket_application = SocketMFAGate(URLRouter(websocket_urlpatterns))
