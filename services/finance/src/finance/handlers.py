"""Events finance consumes."""

from finance.models import known_enterprises, known_projects, level_changes
from readmodels.enterprises import enterprise_subscriptions
from readmodels.levels import level_change_subscriptions
from readmodels.projects import project_subscriptions

SUBSCRIPTIONS = (
    enterprise_subscriptions(known_enterprises)
    + project_subscriptions(known_projects)
    + level_change_subscriptions(level_changes)
)
