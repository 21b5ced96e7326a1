from datetime import timedelta

import pytest


@pytest.fixture(autouse=True)
def _fresh_index(monkeypatch):
    """Each test starts with no in-process story index (ids are reused between tests),
    and every search sees the database as it is now."""
    from kindred.peers import indexing

    indexing.reset()
    monkeypatch.setattr(indexing, "MIN_SYNC_INTERVAL", timedelta(0))
    yield
    indexing.reset()
