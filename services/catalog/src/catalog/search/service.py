"""Search over listed solutions: keywords (Chinese of two characters or more) and filters, with cursors."""

from __future__ import annotations

from decimal import Decimal

from catalog.models import Solution
from catalog.search import repository
from catalog.search.rules import industry_filter_terms, query_problem, query_terms
from contracts.api.catalog import Delivery, SolutionPage, SolutionSummary
from contracts.codes import sub_industries, sub_industry_of
from servicekit.errors import InvalidInput
from servicekit.uow import UnitOfWork


def summary(row: Solution) -> SolutionSummary:
    return SolutionSummary(
        solution_id=row.solution_id,
        provider_id=row.provider_id,
        name=row.name,
        category=row.category,
        delivery=[Delivery(d) for d in row.delivery],
        scenes=row.scenes,
        industries=row.industries,
        lowest_price_fen=row.lowest_price_fen,
        discount_pct=row.discount_pct,
        price_after_discount_fen=row.price_after_discount_fen,
        deploy_days=row.deploy_days,
        review_due=row.review_due,
    )


def _industry_terms(industry: str | None) -> list[str]:
    if industry is None:
        return []
    if industry.startswith("SUB-"):
        declared = sub_industries().get(industry)
        return industry_filter_terms(industry, industry, declared.prefix if declared else None)
    sub = sub_industry_of(industry)
    return industry_filter_terms(industry, sub.code if sub else None, None)


async def search(
    uow: UnitOfWork,
    *,
    q: str | None,
    scene: str | None,
    category: str | None,
    industry: str | None,
    delivery: Delivery | None,
    max_price_fen: int | None,
    min_discount_pct: Decimal | None,
    cursor: str | None,
    limit: int,
) -> SolutionPage:
    segments: list[str] = []
    terms: list[str] = []
    if q is not None:
        if (problem := query_problem(q)) is not None:
            raise InvalidInput(problem, field="q")
        segments, terms = query_terms(q)
    found = await repository.search(
        uow.session,
        repository.SearchFilter(
            all_terms=terms,
            segments=segments,
            any_industry=_industry_terms(industry),
            delivery_term=f"dlv:{delivery.value}" if delivery else None,
            scene=scene,
            category=category,
            max_price_fen=max_price_fen,
            min_discount_centi=int(min_discount_pct * 100) if min_discount_pct is not None else None,
            after=cursor,
            limit=limit + 1,
        ),
    )
    items = [summary(r) for r in found[:limit]]
    return SolutionPage(items=items, next_cursor=items[-1].solution_id if len(found) > limit else None)
