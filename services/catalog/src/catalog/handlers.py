"""Events catalog consumes."""

from catalog.models import KnownEnterprise
from readmodels.handlers import enterprise_subscriptions

SUBSCRIPTIONS = enterprise_subscriptions(KnownEnterprise)
