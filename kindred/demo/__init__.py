"""The ``kindred demo`` command: every app's demo data, loaded in one go.

Each app owns its demo data in ``kindred/<app>/demo.py``, which exposes
``load(ctx: DemoContext) -> None`` (idempotent; it may use what earlier loaders made).
This small app sits above every other one, the only place allowed to depend on all of
them, so that no feature app has to import the apps above it just to assemble the demo.
It has no models, views or URLs; it is installed only for its management command.
"""
