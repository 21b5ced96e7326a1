"""Serve HTTP and WebSockets with uvicorn; on the embedded default, also run the task queue."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Kindred (ASGI) and, on the embedded default, consume tasks in the same process."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="ASGI processes (production)")

    def handle(self, *args: Any, **options: Any) -> None:
        consumer = None
        if settings.TASKS_INPROCESS:
            from django.utils.module_loading import autodiscover_modules
            from huey.contrib.djhuey import HUEY

            # As `run_huey` does: a periodic task is registered only when its module is
            # imported, and nothing else imports every app's tasks module.
            autodiscover_modules("tasks")
            consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=True)
            # Started before uvicorn so uvicorn's signal handlers win.
            consumer.start()
            self.stdout.write("Task runner: in-process (SQLite queue)")
        self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/")
        try:
            uvicorn.run(
                "kindred.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["workers"] if not consumer else 1,
                log_level="info",
                # uvicorn's access log writes whole paths and query strings (calendar feed
                # secrets, reset keys, search terms); kindred.core.requestlog logs a
                # redacted line per request instead.
                access_log=False,
                lifespan="off",
                # The same trusted proxies as kindred.core.clientip, so uvicorn's client
                # address and the rate limits' agree; none trusted: headers ignored.
                proxy_headers=bool(settings.TRUSTED_PROXIES),
                forwarded_allow_ips=list(settings.TRUSTED_PROXIES),
            )
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
