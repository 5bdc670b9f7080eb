"""Every event type on the bus, by (type, version). New events are added here explicitly."""

from __future__ import annotations

from contracts.envelope import Event
from contracts.events.assessment import (
    AssessmentFinalised,
    AssessmentSubmitted,
    DesignationGranted,
    DesignationRevoked,
    ProjectLevelChanged,
)
from contracts.events.catalog import (
    AdopterNotified,
    AdoptionRecorded,
    DemandPosted,
    OutcomeVerified,
    ProviderRated,
    SolutionDelisted,
    SolutionListed,
    SolutionReinstated,
    SolutionSuspended,
)
from contracts.events.finance import (
    ConsentGranted,
    ConsentRevoked,
    FundingFlagRaised,
    FundingFlagResolved,
    InterestSubsidyComputed,
    LoanApplied,
    LoanDecided,
    LoanDefaulted,
    LoanDisbursed,
    RepaymentRecorded,
    SubsidyDecided,
    SubsidyWithheld,
)
from contracts.events.indexer import IndexPublished, PilotRuleMet, TargetReached, UnitKpisUpdated
from contracts.events.registry import (
    ActivityRecorded,
    ClientRevoked,
    EnterpriseRegistered,
    EnterpriseUpdated,
    ProjectCreated,
    ProjectStageChanged,
    ProviderQualityScored,
    ProviderRegistered,
    ProviderStatusChanged,
)

EVENT_CLASSES: tuple[type[Event], ...] = (
    EnterpriseRegistered,
    EnterpriseUpdated,
    ProviderRegistered,
    ProviderStatusChanged,
    ProviderQualityScored,
    ProjectCreated,
    ProjectStageChanged,
    ActivityRecorded,
    ClientRevoked,
    AssessmentSubmitted,
    AssessmentFinalised,
    ProjectLevelChanged,
    DesignationGranted,
    DesignationRevoked,
    ConsentGranted,
    ConsentRevoked,
    LoanApplied,
    LoanDecided,
    LoanDisbursed,
    LoanDefaulted,
    RepaymentRecorded,
    InterestSubsidyComputed,
    SubsidyDecided,
    SubsidyWithheld,
    FundingFlagRaised,
    FundingFlagResolved,
    SolutionListed,
    SolutionSuspended,
    SolutionReinstated,
    SolutionDelisted,
    DemandPosted,
    AdoptionRecorded,
    OutcomeVerified,
    ProviderRated,
    AdopterNotified,
    UnitKpisUpdated,
    TargetReached,
    PilotRuleMet,
    IndexPublished,
)
EVENTS: dict[tuple[str, int], type[Event]] = {(c.TYPE, c.VERSION): c for c in EVENT_CLASSES}

__all__ = ["EVENTS", "EVENT_CLASSES", "EnterpriseRegistered", "EnterpriseUpdated", "Event"]
