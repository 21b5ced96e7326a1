"""Benchmark-only settings: the product settings with channels_redis's pub/sub layer.

``RedisChannelLayer`` copies a group message into one Redis list per member socket, and
each copy is one BZPOPMIN round trip in the receiving process; the pub/sub layer
publishes once per group and each process fans out locally.
"""

from kindred.settings import *  # noqa: F403

if REDIS_URL:  # noqa: F405
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},  # noqa: F405
        }
    }
