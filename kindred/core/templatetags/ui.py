"""Template helpers for the design system: ``{% load ui %}``."""

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from kindred.core.icons import initials as _initials
from kindred.core.icons import render_icon
from kindred.core.languages import language_names as _language_names
from kindred.core.script_strings import catalogue

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "", css_class: str = "") -> SafeString:
    """``{% icon "bell" %}``; ``{% icon "bell" label=_("Notifications") %}`` when it stands alone."""
    return render_icon(name, label, css_class)


@register.filter
def initials(name: str) -> str:
    """Up to two letters for an avatar: ``{{ user.handle|initials }}``."""
    return _initials(name)


@register.filter
def language_names(codes: list[str] | str) -> str:
    """``{{ profile.languages|language_names }}``: "English, Spanish", not "en, es"."""
    return ", ".join(_language_names(codes))


@register.simple_tag
def script_strings(name: str) -> SafeString:
    """``{% script_strings "rooms" %}``: the words a page script shows, in the reader's
    language, as inert JSON the script reads with ``kindredStrings("rooms")``."""
    return json_script(catalogue(name), f"strings-{name}")
