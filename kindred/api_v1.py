"""The versioned JSON API, mounted at /api/v1/.

Authentication (see :mod:`kindred.api.auth`): a personal access token
(``Authorization: Bearer kdr_…``, made at /accounts/tokens/) or the website
session (with the CSRF token on unsafe methods). Token scopes: ``read`` for
``GET``; ``write`` (includes ``read``) for everything that changes data.

Errors are always JSON with a human ``detail``; 422 adds ninja's ``errors`` list. Text
may not contain the NUL character (``\\u0000``; PostgreSQL cannot store it): 422. Each
operation's documented responses list the errors it can answer
(:mod:`kindred.api.openapi`).
Too many requests get 429 with ``Retry-After`` (and ``retry_after`` in the body): 120
a minute per account, 60 per address without credentials, by default.

Starting a thread, replying and reporting accept an ``Idempotency-Key`` header (1 to 100
printable ASCII characters, e.g. a UUID, new for each thing you mean to create). Retrying
with the same key after a timeout or an error stores nothing twice: the retry gets the
first request's status and answer. Keys are per account and kept 24 hours; the same key
with a different request is 422.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest

from kindred.api.api import KindredAPI
from kindred.api.auth import session_auth, token_auth
from kindred.api.docs import LocalSwagger, docs_asset
from kindred.api.errors import install_error_handlers
from kindred.api.routers import me, tokens
from kindred.api.schemas import PathText
from kindred.api.throttle import ApiThrottle

# The routers of the feature apps, in the order they are mounted, each under the name
# its operations were first published with. An operationId is part of the public
# contract (generated clients name their methods after it), and ninja derives it from
# the view's module path, which changes when a router moves between apps. So the rule
# is: a view in one of these modules has the id ``kindred_api_routers_<name>_<view>``,
# whatever module it lives in now; every other view keeps ninja's default. A router
# that moves keeps its name here; a new one takes its app's name.
FEATURE_ROUTERS = {
    "crisis": "kindred.safety.api",
    "community": "kindred.community.api",
    "measures": "kindred.measures.api",
    "therapy": "kindred.therapy.api",
    "bookings": "kindred.bookings.api",
    "rooms": "kindred.rooms.api",
    "groups": "kindred.groups.api",
    "group_tools": "kindred.groups.api_tools",
    "peers": "kindred.peers.api",
    "care": "kindred.care.api",
    "guide": "kindred.guide.api",
}


api = KindredAPI(
    published_names={module: name for name, module in FEATURE_ROUTERS.items()},
    title="Kindred API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api-v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[token_auth, session_auth],
    throttle=[ApiThrottle()],
)
install_error_handlers(api)

api.add_router("", me.router)
api.add_router("", tokens.router)
for module in FEATURE_ROUTERS.values():
    api.add_router("", f"{module}.router")
api.add_router("", "kindred.rights.api.router")


@api.get(
    "/docs/assets/{name}",
    auth=None,
    throttle=[],
    include_in_schema=False,
    url_name="docs_asset",
)
def get_docs_asset(request: HttpRequest, name: PathText) -> FileResponse:
    return docs_asset(name)
