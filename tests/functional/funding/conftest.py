import pytest

from tests.functional.proposals.support import build_world


@pytest.fixture
def world(dbsession):
    return build_world()
