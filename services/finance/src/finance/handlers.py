"""Events finance consumes."""

from finance.models import KnownEnterprise, KnownLevelChange, KnownProject
from readmodels.handlers import enterprise_subscriptions, level_change_subscriptions, project_subscriptions

SUBSCRIPTIONS = (
    enterprise_subscriptions(KnownEnterprise)
    + project_subscriptions(KnownProject)
    + level_change_subscriptions(KnownLevelChange)
)
