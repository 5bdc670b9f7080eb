"""Events assessment consumes."""

from assessment.models import known_enterprises
from readmodels.enterprises import enterprise_subscriptions

SUBSCRIPTIONS = enterprise_subscriptions(known_enterprises)
