"""The apps' demo loaders: one per app, one shape, run in the declared order, all or nothing."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import get_type_hints

import pytest
from django.core.exceptions import ImproperlyConfigured

import kindred
from kindred.accounts.demo import PERSONAS, DemoContext
from kindred.accounts.models import User
from kindred.community.models import Thread
from kindred.demo.loaders import APPS, load_all, loader_for


@pytest.mark.parametrize("app", APPS)
def test_every_listed_app_has_a_loader_of_the_shared_shape(app):
    load = loader_for(app)
    assert list(inspect.signature(load).parameters) == ["ctx"]
    assert get_type_hints(load) == {"ctx": DemoContext, "return": type(None)}


def test_every_app_with_demo_data_is_listed_once_accounts_first():
    with_demo = {path.parent.name for path in Path(kindred.__file__).parent.glob("*/demo.py")}
    assert sorted(APPS) == sorted(with_demo)
    assert len(set(APPS)) == len(APPS)
    assert APPS[0] == "accounts"


def test_loaders_run_in_order_with_the_personas(db, settings, monkeypatch):
    settings.DEMO_MODE = True
    seen: list[tuple[str, set[str]]] = []
    for app in APPS[1:]:

        def record(ctx: DemoContext, app: str = app) -> None:
            seen.append((app, set(ctx.users)))

        monkeypatch.setattr(f"kindred.{app}.demo.load", record)
    load_all(lambda line: None)
    personas = {p.key for p in PERSONAS}
    assert seen == [(app, personas) for app in APPS[1:]]


def test_a_failing_loader_leaves_nothing_behind(db, settings, monkeypatch):
    settings.DEMO_MODE = True

    def broken(ctx: DemoContext) -> None:
        raise RuntimeError("demo loader failed")

    monkeypatch.setattr(f"kindred.{APPS[-1]}.demo.load", broken)
    with pytest.raises(RuntimeError, match="demo loader failed"):
        load_all(lambda line: None)
    assert not User.objects.exists()
    assert not Thread.objects.exists()


def test_it_is_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(ImproperlyConfigured, match="only available with DEBUG on"):
        load_all(lambda line: None)
    assert not User.objects.exists()
