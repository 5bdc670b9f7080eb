"""Events finance consumes."""

from finance.models import known_enterprises
from readmodels.enterprises import enterprise_subscriptions

SUBSCRIPTIONS = enterprise_subscriptions(known_enterprises)
