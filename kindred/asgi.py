"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os
import threading

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from kindred.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(websocket_application)),
    }
)


def _warm_risk_screen() -> None:
    # Load the screen's model now rather than inside the first message someone sends.
    from kindred.safety.screening import screen

    screen("warm up")


threading.Thread(target=_warm_risk_screen, name="warm-risk-screen", daemon=True).start()
