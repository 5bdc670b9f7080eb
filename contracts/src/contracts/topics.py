"""Topic declarations: name, partitions and key of every topic on the bus, with its dead-letter topic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    key: str
    owner: str
    description: str

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"


ENTERPRISES = TopicSpec(
    name="registry.enterprises.v1",
    partitions=8,
    key="USCC (统一社会信用代码)",
    owner="registry",
    description="Enterprise lifecycle events owned by the registry.",
)

PROVIDERS = TopicSpec(
    name="registry.providers.v1",
    partitions=4,
    key="provider id",
    owner="registry",
    description="Service providers (服务商) and their approval status.",
)

PROJECTS = TopicSpec(
    name="registry.projects.v1",
    partitions=8,
    key="USCC of the enterprise (so a project's events follow its enterprise's)",
    owner="registry",
    description="Transformation projects moving through the 8 stages.",
)

ACTIVITIES = TopicSpec(
    name="registry.activities.v1",
    partitions=4,
    key="district unit code",
    owner="registry",
    description="Programme activity records: enablement-centre services, themed events, trainings.",
)

CLIENTS = TopicSpec(
    name="registry.clients.v1",
    partitions=1,
    key="client id",
    owner="registry",
    description="Machine clients whose tokens every service must refuse from now on (deactivated, secret rotated).",
)

ASSESSMENTS = TopicSpec(
    name="assessment.assessments.v1",
    partitions=8,
    key="USCC of the enterprise assessed",
    owner="assessment",
    description="Digital-level assessments submitted and finalised, and T0→T1 level changes of projects.",
)

CONSENTS = TopicSpec(
    name="finance.consents.v1",
    partitions=4,
    key="USCC of the enterprise that gave the consent",
    owner="finance",
    description="Consents enterprises give banks to query their financing eligibility, granted and revoked.",
)

LOANS = TopicSpec(
    name="finance.loans.v1",
    partitions=4,
    key="USCC of the borrowing enterprise",
    owner="finance",
    description="Loans applied for, decided, disbursed and defaulted, and the repayments banks report.",
)

SUBSIDIES = TopicSpec(
    name="finance.subsidies.v1",
    partitions=4,
    key="USCC of the enterprise supported",
    owner="finance",
    description="Subsidies computed for enterprises (the interest subsidy per repayment).",
)

SOLUTIONS = TopicSpec(
    name="catalog.solutions.v1",
    partitions=4,
    key="solution id",
    owner="catalog",
    description="小快轻准 solutions listed, suspended, reinstated and delisted by the city.",
)

DEMANDS = TopicSpec(
    name="catalog.demands.v1",
    partitions=4,
    key="USCC of the enterprise in need",
    owner="catalog",
    description="Enterprises' demands: posted, or derived from a finalised assessment's weakest scenes.",
)

ADOPTIONS = TopicSpec(
    name="catalog.adoptions.v1",
    partitions=4,
    key="USCC of the adopting enterprise",
    owner="catalog",
    description="Solutions adopted, outcomes verified, providers rated, adopters told of a suspension.",
)

CITY_FEED = TopicSpec(
    name="indexer.city-feed.v1",
    partitions=1,
    key="district unit code, or city",
    owner="indexer",
    description="Aggregated, de-identified programme figures for the city platform: unit KPIs, targets reached, "
    "pilot rule met. Never an enterprise's identity or a figure over fewer than 3 enterprises.",
)

TOPICS: tuple[TopicSpec, ...] = (
    ENTERPRISES,
    PROVIDERS,
    PROJECTS,
    ACTIVITIES,
    CLIENTS,
    ASSESSMENTS,
    CONSENTS,
    LOANS,
    SUBSIDIES,
    SOLUTIONS,
    DEMANDS,
    ADOPTIONS,
    CITY_FEED,
)


def all_topic_names() -> list[tuple[str, int]]:
    """Every topic to create on a broker, dead-letter topics included, with its partition count."""
    out: list[tuple[str, int]] = []
    for t in TOPICS:
        out.append((t.name, t.partitions))
        out.append((t.dlq, 1))
    return out
