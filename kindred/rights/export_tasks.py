"""Tasks for large exports: build one, and sweep the expired ones away."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def build_export_file(export_id: int) -> None:
    from kindred.rights.export_actions import do_build_export_file

    do_build_export_file(export_id)


@db_periodic_task(crontab(minute="*/15"))
def delete_expired_exports() -> int:
    from kindred.rights.export_actions import do_delete_expired_exports

    return do_delete_expired_exports()
