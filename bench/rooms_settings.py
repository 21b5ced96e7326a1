"""Benchmark-only settings: the product settings with channels_redis's core layer.

The product uses the pub/sub layer (one publish per group, fanned out in each
process). ``RedisChannelLayer`` copies a group message into one Redis list per member
socket, each copy one BZPOPMIN round trip in the receiving process; this module lets
``bench/rooms_load.py --layer core`` measure it for comparison.
"""

from kindred.settings import *  # noqa: F403

if REDIS_URL:  # noqa: F405
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},  # noqa: F405
        }
    }
