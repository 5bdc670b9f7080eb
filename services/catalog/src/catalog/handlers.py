"""Events catalog consumes."""

from catalog.models import known_enterprises
from readmodels.enterprises import enterprise_subscription

SUBSCRIPTIONS = [enterprise_subscription(known_enterprises)]
