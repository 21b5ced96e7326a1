"""The Jinja2 environment for the hot-loop templates in ``kindred/jinja2``.

They get the same helpers as the Django templates: ``icon()`` and translations
(``_()`` / ``{% trans %}``, Django's active language through ``gettext``).
"""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment

from kindred.core.icons import initials, render_icon


def environment(**options: Any) -> Environment:
    extensions = list(options.pop("extensions", []))
    if "jinja2.ext.i18n" not in extensions:
        extensions.append("jinja2.ext.i18n")
    # Autoescaping comes from TEMPLATES' OPTIONS ("autoescape": True), passed in ``options``.
    env = Environment(extensions=extensions, **options)  # noqa: S701
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(
        {"icon": render_icon, "initials": initials, "static": static, "url": reverse}
    )
    return env
