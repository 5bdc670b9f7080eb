"""Code tables shipped as data: the 41 district units, GB/T 4754-2017 divisions, the 16 key industries."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class District:
    code: str
    name: str
    kind: str  # district | county | autonomous_county | functional_zone


@dataclass(frozen=True)
class IndustryDivision:
    code: str
    name: str


@dataclass(frozen=True)
class KeyIndustry:
    id: int
    name: str
    divisions: tuple[str, ...]
    verified: bool


def _rows(name: str) -> list[dict[str, str]]:
    text = files(__name__).joinpath(name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def districts() -> dict[str, District]:
    """The programme's 41 district units keyed by code, in official order."""
    return {r["code"]: District(r["code"], r["name"], r["kind"]) for r in _rows("districts.csv")}


@cache
def industry_divisions() -> dict[str, IndustryDivision]:
    """GB/T 4754-2017 manufacturing divisions (C13-C43) keyed by code."""
    return {r["code"]: IndustryDivision(r["code"], r["name"]) for r in _rows("industry_divisions.csv")}


@cache
def key_industries() -> dict[int, KeyIndustry]:
    """The 16 pilot key industries with the divisions they cover."""
    return {
        int(r["id"]): KeyIndustry(int(r["id"]), r["name"], tuple(r["divisions"].split()), r["verified"] == "true")
        for r in _rows("key_industries.csv")
    }


_INDUSTRY_CODE = re.compile(r"^C(\d{2})(\d{1,2})?$")


def industry_division_of(code: str) -> str | None:
    """Division (e.g. C34) of a GB/T 4754 manufacturing code (C34, C341 or C3411); None if not one."""
    m = _INDUSTRY_CODE.match(code)
    if not m:
        return None
    division = f"C{m.group(1)}"
    return division if division in industry_divisions() else None


def key_industry_of(division: str) -> KeyIndustry | None:
    """The pilot key industry a division falls in, if any."""
    for ki in key_industries().values():
        if division in ki.divisions:
            return ki
    return None


@dataclass(frozen=True)
class Cluster:
    code: str
    name: str
    tier: str


@dataclass(frozen=True)
class SubIndustry:
    code: str
    key_industry_id: int
    name: str
    prefix: str


@cache
def clusters() -> dict[str, Cluster]:
    """The "33618" cluster system (3 trillion, 3 pillar, 6 distinctive; emerging ones as added)."""
    return {r["code"]: Cluster(r["code"], r["name"], r["tier"]) for r in _rows("clusters.csv")}


@cache
def sub_industries() -> dict[str, SubIndustry]:
    return {
        r["code"]: SubIndustry(r["code"], int(r["key_industry_id"]), r["name"], r["prefix"])
        for r in _rows("sub_industries.csv")
    }


def sub_industry_of(industry_code: str) -> SubIndustry | None:
    """The declared pilot sub-industry whose prefix the code starts with (longest prefix wins)."""
    matches = [s for s in sub_industries().values() if industry_code.startswith(s.prefix)]
    return max(matches, key=lambda s: len(s.prefix)) if matches else None


@dataclass(frozen=True)
class Target:
    indicator: str
    unit: str
    target_2024: int | None
    target_2027: int | None
    per_year: bool
    name: str = ""
    kind: str = "count"  # count, share, per_year, cumulative, all
    op: str = "ge"  # ge (at least) or gt (more than)
    counts: str = ""  # what counts toward it

    def target_for(self, year: int) -> int | None:
        """The target a year is held to: 2024's until then, 2027's after (per-year targets: each year's own)."""
        return self.target_2024 if year <= 2024 else self.target_2027 if (self.per_year or year >= 2027) else None


def _int(value: str) -> int | None:
    return int(value) if value else None


@cache
def targets() -> dict[str, Target]:
    """The work plan's 13 targets (data, so a revised plan is a data change)."""
    return {
        r["indicator"]: Target(
            r["indicator"],
            r["unit"],
            _int(r["target_2024"]),
            _int(r["target_2027"]),
            r["per_year"] == "true",
            r["name"],
            r["kind"],
            r["op"],
            r["counts"],
        )
        for r in _rows("targets.csv")
    }


@cache
def uscc_registration_types() -> dict[str, dict[str, str]]:
    """GB 32100-2015: registration authority (position 1) → {type code (position 2): type name}."""
    out: dict[str, dict[str, str]] = {}
    for r in _rows("uscc_registration.csv"):
        out.setdefault(r["authority"], {})[r["type"]] = r["type_name"]
    return out


@cache
def uscc_authority_names() -> dict[str, str]:
    return {r["authority"]: r["authority_name"] for r in _rows("uscc_registration.csv")}


@cache
def province_prefixes() -> dict[str, str]:
    """GB/T 2260 provincial prefixes (two digits) → name."""
    return {r["prefix"]: r["name"] for r in _rows("province_codes.csv")}


@dataclass(frozen=True)
class Scene:
    id: str
    name: str
    group: str
    constrained: bool


@cache
def miit_scenes() -> dict[str, Scene]:
    """The 16 business scenes of the MIIT 2024 scheme (数字化经营), keyed by id, in the scheme's order."""
    return {
        r["id"]: Scene(r["id"], r["name"], r["group"], r["constrained"] == "true") for r in _rows("miit_scenes.csv")
    }


@dataclass(frozen=True)
class SolutionCategory:
    id: str
    name: str
    name_en: str


@cache
def solution_categories() -> dict[str, SolutionCategory]:
    """The catalogue's solution categories (OA, finance, ERP, MES, ...), keyed by id."""
    return {r["id"]: SolutionCategory(r["id"], r["name"], r["name_en"]) for r in _rows("solution_categories.csv")}
