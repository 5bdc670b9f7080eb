"""The search index's terms (pure): Chinese bigrams and lower-cased words, the same on SQLite and PostgreSQL.

A text is indexed as every two-character window of each run of Chinese characters and every word of
letters or digits. A query is split the same way; a solution matches when it holds all the query's terms
and its normalised text contains each query segment (the bigrams alone could come from different places).
"""

from __future__ import annotations

import re
import unicodedata

_SEGMENT = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]")
MAX_TERM = 64


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> list[str]:
    """Runs of Chinese characters and words of letters/digits, normalised."""
    return _SEGMENT.findall(normalise(text))


def _terms_of(segment: str) -> list[str]:
    if _CJK.match(segment):
        return [segment[i : i + 2] for i in range(len(segment) - 1)]
    return [segment[:MAX_TERM]]


def index_terms(*texts: str) -> set[str]:
    """Every term a solution is found by."""
    return {t for text in texts for s in segments(text) for t in _terms_of(s)}


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """(segments the text must contain, terms the index must hold)."""
    found = segments(query)
    return found, sorted({t for s in found for t in _terms_of(s)})


def query_problem(query: str) -> str | None:
    """Why a query cannot be answered, or None."""
    found = segments(query)
    if not found:
        return "give at least one word, or Chinese keywords of two characters or more"
    if any(_CJK.match(s) and len(s) < 2 for s in found):
        return "Chinese keywords need two characters or more"
    if len(found) > 10:
        return "at most 10 keywords"
    return None


ALL_INDUSTRIES = "ind:*"


def attribute_terms(industries: list[str], delivery: list[str]) -> set[str]:
    """Terms for the filters held in the same index: target industries (none = all) and delivery modes."""
    found = {f"ind:{code}" for code in industries} or {ALL_INDUSTRIES}
    return found | {f"dlv:{d}" for d in delivery}


def industry_filter_terms(code: str, sub_industry: str | None, sub_industry_prefix: str | None) -> list[str]:
    """The industry terms a solution must hold one of to fit `code` (a GB/T code or a sub-industry): its
    division, group and class, its sub-industry, or no industry named at all."""
    chain = sub_industry_prefix if code.startswith("SUB-") and sub_industry_prefix else code
    wanted = {ALL_INDUSTRIES} | {f"ind:{chain[:n]}" for n in range(3, len(chain) + 1)}
    if sub_industry:
        wanted.add(f"ind:{sub_industry}")
    return sorted(wanted)
