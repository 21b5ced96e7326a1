"""Logging that never carries what people wrote.

Code logs ids and event names, not content. These two guards catch what slips
through: structured ``extra`` fields with content-like names are blanked, and
Django's error reports (500 pages in DEBUG, admin emails) never include request
bodies or form values.
"""

from __future__ import annotations

import logging
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

# Keys that, by convention, carry user-written or clinical content.
SENSITIVE_KEYS = frozenset(
    {"text", "body", "content", "note", "notes", "message", "answers", "plan", "story", "password"}
)
REDACTED = "[redacted]"


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key in SENSITIVE_KEYS:
            if key in record.__dict__ and key != "message":
                setattr(record, key, REDACTED)
        return True


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    def get_post_parameters(self, request: Any) -> dict[str, str]:
        if request is None:
            return {}
        return dict.fromkeys(request.POST, REDACTED)

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        # Local variables in a clinical view may hold decrypted notes.
        return dict.fromkeys(tb_frame.f_locals, REDACTED).items()
