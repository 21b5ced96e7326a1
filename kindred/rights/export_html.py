"""The export's readable version: one self-contained HTML page (no scripts, no links out).

Each section's parts become tables (a list of records), definition lists (one record)
or a line saying there is nothing. Nested values (a plan's goals, a post's earlier
versions) are rendered inside their cell the same way. Everything is escaped.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kindred.core.export import Label
from kindred.rights.export import sections

# Headings for the field names that come up in many sections; others are spelled out.
FIELD_LABELS: dict[str, Label] = {
    "id": _("Number"),
    "created_at": _("Created"),
    "updated_at": _("Updated"),
    "status": _("Status"),
    "body": _("Text"),
    "text": _("Text"),
    "note": _("Note"),
    "title": _("Title"),
    "kind": _("Kind"),
    "starts_at": _("Starts"),
    "ends_at": _("Ends"),
    "therapist": _("Therapist"),
    "with": _("With"),
    "answers": _("Answers"),
    "messages": _("Messages"),
    "from_you": _("Written by you"),
    "read_at": _("Read"),
    "revoked_at": _("Revoked"),
    "expires_at": _("Expires"),
    "handle": _("Handle"),
    "email": _("Email address"),
    "legal_name": _("Legal name"),
    "date_of_birth": _("Date of birth"),
    "reason": _("Reason"),
    "space__name": _("Space"),
    "space": _("Space"),
    "thread": _("Thread"),
    "content_warning": _("Content warning"),
    "at": _("When"),
    "who": _("Who"),
    "action": _("What they did"),
    "what": _("What"),
    "role": _("Role"),
    "scope": _("Scope"),
}


def label_for(key: str) -> str:
    label = FIELD_LABELS.get(key)
    if label is not None:
        return str(label)
    return capfirst(key.replace("__", " ").replace("_", " "))


def render_value(value: Any) -> SafeString:
    if value is None or value == "" or value == [] or value == {}:
        return mark_safe("&mdash;")  # a constant
    if isinstance(value, bool):
        return format_html("{}", gettext("Yes") if value else gettext("No"))
    if isinstance(value, datetime):
        return format_html("{}", f"{value:%Y-%m-%d %H:%M} UTC")
    if isinstance(value, date | time | int | float | Decimal):
        return format_html("{}", str(value))
    if isinstance(value, dict):
        return render_record(value)
    if isinstance(value, list | tuple):
        if all(isinstance(item, dict) for item in value):
            return render_table(list(value))
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((render_value(v),) for v in value))
        )
    return format_html('<span class="text">{}</span>', str(value))


def render_record(record: dict[str, Any]) -> SafeString:
    return format_html(
        "<dl>{}</dl>",
        format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((label_for(k), render_value(v)) for k, v in record.items()),
        ),
    )


def render_table(records: list[dict[str, Any]]) -> SafeString:
    columns: list[str] = []
    for record in records:
        columns.extend(k for k in record if k not in columns)
    head = format_html_join("", '<th scope="col">{}</th>', ((label_for(c),) for c in columns))
    rows = format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (format_html_join("", "<td>{}</td>", ((render_value(r.get(c)),) for c in columns)),)
            for r in records
        ),
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, rows)


def render_document(document: dict[str, Any]) -> str:
    rendered = []
    for key, section in sections():
        data = document["sections"].get(key, {})
        parts = [
            {
                "key": part,
                "heading": section.parts.get(part) or label_for(part),
                "html": render_value(value),
                "empty": value in (None, [], {}),
            }
            for part, value in data.items()
        ]
        rendered.append({"key": key, "title": section.title, "parts": parts})
    return render_to_string(
        "rights/export_document.html",
        {
            "handle": document["handle"],
            "generated_at": document["generated_at"],
            "sections": rendered,
        },
    )
