# The care team fixtures: consent decides what a team member may see.
from tests.care.conftest import care_team, groups, team  # noqa: F401 - pytest fixtures
