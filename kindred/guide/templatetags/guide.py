"""Template helpers for the guide pages."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def bound(form: forms.Form, name: str) -> forms.BoundField:
    """``form|bound:"topics"``: the bound field called ``name``."""
    return form[name]


@register.filter
def option_title(key: str) -> str:
    from kindred.guide.options import OPTIONS_BY_KEY

    option = OPTIONS_BY_KEY.get(key)
    return option.title if option else key
