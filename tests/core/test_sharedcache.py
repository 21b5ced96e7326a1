"""One cache client per process, whichever asyncio task or thread asks."""

import asyncio
import contextvars
import os

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import caches

from kindred.core.sharedcache import shared_cache

REDIS_URL = os.environ.get("KINDRED_TEST_REDIS_URL")


@pytest.mark.asyncio
async def test_every_task_gets_the_same_client():
    async def clients():
        return await sync_to_async(lambda: (id(shared_cache()), id(caches["default"])))()

    # Each in a context of its own, as each WebSocket and request is under ASGI.
    tasks = [asyncio.create_task(clients(), context=contextvars.Context()) for _ in range(5)]
    pairs = await asyncio.gather(*tasks)
    shared_ids = {shared for shared, _ in pairs}
    per_context_ids = {django_default for _, django_default in pairs}
    assert len(shared_ids) == 1
    # What this module exists for: Django's own handle differs per task.
    assert len(per_context_ids) == 5


def test_it_shares_storage_with_the_default_cache():
    shared_cache().set("sharedcache:probe", "42", 10)
    assert caches["default"].get("sharedcache:probe") == "42"


@pytest.mark.redis
def test_changing_the_cache_settings_builds_a_new_client(settings):
    if not REDIS_URL:
        pytest.skip("KINDRED_TEST_REDIS_URL is not set (make test sets it)")
    before = shared_cache()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    client = shared_cache()
    assert client is not before
    assert type(client).__name__ == "RedisCache"
    client.set("sharedcache:probe", 1, 5)
    assert client.incr("sharedcache:probe") == 2
    client.delete("sharedcache:probe")
