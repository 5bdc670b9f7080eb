"""Events assessment consumes."""

from assessment.models import KnownEnterprise, KnownProject
from readmodels.handlers import enterprise_subscriptions, project_subscriptions

SUBSCRIPTIONS = enterprise_subscriptions(KnownEnterprise) + project_subscriptions(KnownProject)
