"""Double-funding findings (pure): support beyond a project's investment, one scene through two providers."""

from __future__ import annotations

from contracts.api.subsidies import FlagKind
from finance.funding.rules import FundedAdoption, ProjectSupport, over_investment, same_scene


def support(*loans: tuple[str, int], subsidy_fen: int = 24_000_000) -> ProjectSupport:
    return ProjectSupport("U", "pj_1", "sb_1", subsidy_fen, 100_000_000, list(loans))


def test_support_up_to_the_investment_is_fine_and_one_fen_more_is_flagged() -> None:
    assert over_investment(support()) is None  # no loan: the subsidy alone is capped by its own rules
    assert over_investment(support(("ln_1", 76_000_000))) is None
    found = over_investment(support(("ln_2", 40_000_000), ("ln_1", 36_000_001)))
    assert found is not None and found.kind is FlagKind.SUPPORT_OVER_INVESTMENT
    assert found.fundings == ["sb_1", "ln_1", "ln_2"]
    assert "1,000,000.01" in found.detail and "1,000,000.00" in found.detail


def adoption(adoption_id: str, provider: str, scenes: list[str], funding: str = "sb_1") -> FundedAdoption:
    return FundedAdoption("U", adoption_id, f"sol_{adoption_id}", provider, scenes, funding)


def test_a_scene_through_two_providers_names_every_funding_once() -> None:
    assert same_scene([adoption("a1", "pv_a", ["quality"]), adoption("a2", "pv_a", ["quality"], "sb_2")]) == []
    (found,) = same_scene(
        [adoption("a2", "pv_b", ["quality", "energy"], "sb_2"), adoption("a1", "pv_a", ["quality", "production"])]
    )
    assert found.kind is FlagKind.SAME_SCENE_TWO_PROVIDERS
    assert found.fundings == ["sb_1", "sb_2"]
    assert found.signature == "same_scene_two_providers:U:quality:a1,a2"
    # the same adoptions in another order give the same signature: flagged once
    (again,) = same_scene(
        [adoption("a1", "pv_a", ["quality", "production"]), adoption("a2", "pv_b", ["quality", "energy"], "sb_2")]
    )
    assert again.signature == found.signature
