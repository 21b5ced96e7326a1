"""Settings for the test suite: the real settings with fast, isolated services."""

import os
import re

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault(
    "KINDRED_VAR_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from kindred.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {
    "name": "kindred-test",
    "huey_class": "kindred.core.taskqueue.KindredMemoryHuey",
    "immediate": True,
}
TASKS_INPROCESS = False
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SECURE_SSL_REDIRECT = False
# The suite sees the console-free JSON logs only at WARNING and up.
# Access lines only where a test asks for them (caplog).
LOGGING = {
    **LOGGING,  # noqa: F405
    "root": {"handlers": ["console"], "level": "WARNING"},
}
LOGGING["loggers"]["kindred.access"] = {"level": "WARNING"}  # type: ignore[index]
# Tests that post a lot in one go stay under the limits; each rate-limit test sets its own
# small limit. allauth's login limits stay as in production.
RATE_LIMITS = {
    action: re.sub(r"(^|,)(\d+)/", lambda m: f"{m[1]}{int(m[2]) * 100}/", rates)
    for action, rates in RATE_LIMITS.items()  # noqa: F405
}
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
# pytest-django creates and drops test databases; a pool would hold connections open.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)  # noqa: F405
