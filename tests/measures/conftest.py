import pytest

from kindred.measures.definitions import get_definition


@pytest.fixture
def phq9():
    return get_definition("phq9")
