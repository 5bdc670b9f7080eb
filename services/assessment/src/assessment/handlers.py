"""Events assessment consumes."""

from assessment.models import known_enterprises
from readmodels.enterprises import enterprise_subscription

SUBSCRIPTIONS = [enterprise_subscription(known_enterprises)]
