import logging

from django.test import RequestFactory

from kindred.core.logging import REDACTED, RedactFilter, RedactingExceptionReporterFilter


def test_content_like_extra_fields_are_blanked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "screened", None, None)
    record.text = "I want to end it all"
    record.note = "session note"
    record.event_type = "post.created"
    RedactFilter().filter(record)
    assert record.text == REDACTED and record.note == REDACTED
    assert record.event_type == "post.created"


def test_error_reports_never_include_form_values():
    request = RequestFactory().post("/x", {"body": "my private story", "handle": "me"})
    params = RedactingExceptionReporterFilter().get_post_parameters(request)
    assert params == {"body": REDACTED, "handle": REDACTED}


def test_error_reports_hide_local_variables():
    def frame_with_secret():
        decrypted_note = "client disclosed ..."  # noqa: F841
        import sys

        return sys._getframe()

    frame = frame_with_secret()
    variables = dict(RedactingExceptionReporterFilter().get_traceback_frame_variables(None, frame))
    assert variables["decrypted_note"] == REDACTED
