from django.urls import path

from kindred.core.consumers import EventsConsumer
from kindred.rooms.consumers import RoomConsumer

websocket_urlpatterns = [
    path("ws/events/", EventsConsumer.as_asgi()),
    path("ws/rooms/<int:room_id>/", RoomConsumer.as_asgi()),
]
