"""Settings for benchmark runs only: the product settings plus the raw-SQL baseline URLs.

    DJANGO_SETTINGS_MODULE=bench.bench_settings PYTHONPATH=. kindred serve ...

Everything else (database, cache, DEBUG, security) comes from kindred.settings and its
environment variables, unchanged.
"""

from kindred.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
