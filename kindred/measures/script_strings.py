"""The words ``static/measures/autosave.js`` shows while a questionnaire saves itself.

Registered with ``kindred.core.script_strings`` from ``apps.py``; the page that loads
the script renders them with ``{% script_strings "measures" %}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STRINGS = {
    "saved": _("Answers saved."),
    "invalid": _("Some answers could not be saved: please check them."),
    "not_saved": _("Not saved just now. Your answers stay on this page."),
    "offline": _("Not saved just now (no connection). Your answers stay on this page."),
}
