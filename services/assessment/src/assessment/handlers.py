"""Events assessment consumes."""

from assessment.models import known_enterprises, known_projects
from readmodels.enterprises import enterprise_subscriptions
from readmodels.projects import project_subscriptions

SUBSCRIPTIONS = enterprise_subscriptions(known_enterprises) + project_subscriptions(known_projects)
