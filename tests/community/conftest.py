import pytest

from kindred.community.actions import do_accept_guidelines, do_create_thread, do_reply
from kindred.community.models import Space


@pytest.fixture(autouse=True)
def _db(db):
    return db


@pytest.fixture
def space():
    return Space.objects.get(slug="depression-anxiety")


@pytest.fixture
def teen_space():
    return Space.objects.get(slug="teen-support")


@pytest.fixture
def write():
    """Post as someone, accepting the space's guidelines first."""

    def thread(
        user, space, title="Finding my feet", body="Some days are harder than others.", **kw
    ):
        do_accept_guidelines(user, space)
        return do_create_thread(user, space, title=title, body=body, **kw).post.thread

    def reply(user, thread_, body="You're not alone in this.", **kw):
        do_accept_guidelines(user, thread_.space)
        return do_reply(user, thread_, body=body, **kw).post

    thread.reply = reply
    return thread
