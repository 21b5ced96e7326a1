"""Driving the guide's pages like a browser: post back what the page carries, plus answers."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

URL = "/guide/"


class _Hidden(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and (a.get("action") or "").endswith(URL):
            self._in_form = True
        if self._in_form and tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.fields.append((a["name"] or "", a.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def carried(response: Any) -> list[tuple[str, str]]:
    """The hidden inputs of the guide form on ``response`` (the step among them)."""
    parser = _Hidden()
    parser.feed(response.content.decode())
    return parser.fields


def submit(client: Any, response: Any, *, url: Any = URL, **answers: Any) -> Any:
    """Submit the guide form on ``response`` with ``answers`` filled in."""
    data: dict[str, list[str]] = {}
    for name, value in carried(response):
        data.setdefault(name, []).append(value)
    for name, value in answers.items():
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return client.post(url, data)


def step_of(response: Any) -> str:
    return dict(carried(response)).get("step", "")
