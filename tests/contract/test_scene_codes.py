"""The catalog's scene code table and the assessment's MIIT 2024 scheme name the same 16 scenes (ids, names,
constrained or guiding, order): a solution's scenes are the ones an assessment rates."""

from __future__ import annotations

import json
from pathlib import Path

from contracts.codes import miit_scenes

SCHEME = (
    Path(__file__).resolve().parents[2] / "services/assessment/src/assessment/schemes/scheme_files/miit-2024.v1.json"
)


def test_the_scene_codes_are_the_schemes_scenes() -> None:
    scheme = json.loads(SCHEME.read_text(encoding="utf-8"))
    from_scheme = [(s["id"], s["name"], s["group"], s["constrained"]) for s in scheme["scenes"]]
    from_codes = [(s.id, s.name, s.group, s.constrained) for s in miit_scenes().values()]
    assert from_codes == from_scheme
    assert len(from_codes) == 16 and sum(1 for s in from_codes if s[3]) == 10
