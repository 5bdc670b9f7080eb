"""Assessments over HTTP on SQLite and PostgreSQL: the lifecycle with an on-site change, bad input,
scheme versions and rescoring, the report, and who sees what."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from assessment.main import spec
from assessment.models import Assessment, AssessmentChange, tables
from assessment.schemes.builtin import builtin
from assessment.scoring.examples import BELOW_FORTY, ZERO, answers, scenes
from contracts.api.identity import Role
from testkit.databases import MigratedDbFactory
from testkit.services import RunningService, service_under_test
from testkit.tokens import bearer

USCC = "91350100M000100Y43"
OTHER = "914403001922038216"
ME = bearer(Role.ENTERPRISE, uscc=USCC)
EXPERT = bearer(Role.EXPERT, districts=["500103"])


async def events(svc: RunningService) -> list[tuple[str, dict[str, Any]]]:
    outbox = tables.outbox
    async with svc.runtime.sessions() as s:
        rows = (await s.execute(select(outbox.c.event_type, outbox.c.payload).order_by(outbox.c.id))).all()
    return [(r.event_type, json.loads(r.payload)) for r in rows]


async def test_lifecycle_with_an_on_site_change(migrated_db: MigratedDbFactory, db_kind: str, seed: Any) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await seed(svc, {USCC: "500103", OTHER: "500104"})
        c = svc.client
        draft = await c.post(
            "/v1/assessments", json={"uscc": USCC, "answers": {"choices": {"network": ["industrial_5g"]}}}, headers=ME
        )
        assert draft.status_code == 201, draft.text
        a = draft.json()
        aid = a["assessment_id"]
        assert (a["status"], a["source"], a["scheme_id"], a["scheme_version"], a["score"]["total"]) == (
            "draft",
            "self",
            "miit-2024",
            1,
            "2",
        )
        assert len(a["score"]["unanswered"]) == 14

        incomplete = await c.post(
            f"/v1/assessments/{aid}/submission", json={"pledge": True, "pledged_by": "张三"}, headers=ME
        )
        assert incomplete.status_code == 422
        assert {e["field"] for e in incomplete.json()["errors"]} >= {
            "answers.choices.funding",
            "answers.scene_levels.finance",
        }

        r = await c.patch(
            f"/v1/assessments/{aid}/answers", json={"answers": answers(BELOW_FORTY, scenes(3, 3, 2))}, headers=ME
        )
        assert (r.status_code, r.json()["score"]["total"], r.json()["score"]["level"]) == (200, "39.875", 1)
        no_pledge = await c.post(
            f"/v1/assessments/{aid}/submission", json={"pledge": False, "pledged_by": "张三"}, headers=ME
        )
        assert (no_pledge.status_code, no_pledge.json()["errors"][0]["field"]) == (422, "pledge")
        submitted = await c.post(
            f"/v1/assessments/{aid}/submission", json={"pledge": True, "pledged_by": "张三"}, headers=ME
        )
        assert (submitted.status_code, submitted.json()["status"], submitted.json()["pledged_by"]) == (
            200,
            "submitted",
            "张三",
        )

        # once submitted: not the enterprise, not an expert of another unit, not without a reason
        change = {"answers": {"choices": {"data_security": ["policy"]}}, "reason": "现场核验：已制定数据安全管理制度"}
        assert (await c.patch(f"/v1/assessments/{aid}/answers", json=change, headers=ME)).status_code == 403
        elsewhere = bearer(Role.EXPERT, districts=["500104"])
        assert (await c.patch(f"/v1/assessments/{aid}/answers", json=change, headers=elsewhere)).status_code == 403
        no_reason = await c.patch(f"/v1/assessments/{aid}/answers", json={"answers": change["answers"]}, headers=EXPERT)
        assert (no_reason.status_code, no_reason.json()["errors"][0]["field"]) == (422, "reason")
        r = await c.patch(f"/v1/assessments/{aid}/answers", json=change, headers=EXPERT)
        assert (r.json()["score"]["total"], r.json()["score"]["level"]) == ("41.125", 2)  # + 1.25
        assert [(x["field"], x["before"], x["after"], x["role"]) for x in r.json()["changes"]] == [
            ("choices.data_security", '["none"]', '["policy"]', "expert")
        ]
        assert (await c.post(f"/v1/assessments/{aid}/finalisation", json={}, headers=ME)).status_code == 403
        final = await c.post(f"/v1/assessments/{aid}/finalisation", json={"note": "现场核验完成"}, headers=EXPERT)
        assert (final.status_code, final.json()["status"]) == (200, "final")
        assert final.json()["guidance"], "a final assessment comes with guidance"
        assert (await c.patch(f"/v1/assessments/{aid}/answers", json=change, headers=EXPERT)).status_code == 409

        published = await events(svc)
        assert [t for t, _ in published] == ["assessment.assessment.submitted", "assessment.assessment.finalised"]
        submitted_event, final_event = published[0][1], published[1][1]
        assert (submitted_event["total"], submitted_event["level"]) == ("39.875", 1)
        assert (final_event["total"], final_event["level"], final_event["on_site_changes"]) == ("41.125", 2, 1)
        assert final_event["dimensions"] == {"foundation": "36.25", "management": "1.875", "outcomes": "3"}
        assert final_event["scene_levels"]["product_design"] == 2
        assert final_event["guidance"][0]["helps_next_level"] is True

        # who sees it
        assert (await c.get(f"/v1/assessments/{aid}", headers=bearer(Role.ENTERPRISE, uscc=OTHER))).status_code == 403
        assert (
            await c.get(f"/v1/assessments/{aid}", headers=bearer(Role.DISTRICT, districts=["500104"]))
        ).status_code == 403
        assert (
            await c.get(f"/v1/assessments/{aid}", headers=bearer(Role.DISTRICT, districts=["500103"]))
        ).status_code == 200
        assert [x["assessment_id"] for x in (await c.get("/v1/assessments", headers=ME)).json()] == [aid]
        assert (await c.get("/v1/assessments", headers=bearer(Role.ENTERPRISE, uscc=OTHER))).json() == []
        peeking = await c.get("/v1/assessments", params={"uscc": USCC}, headers=bearer(Role.ENTERPRISE, uscc=OTHER))
        assert peeking.status_code == 403 and peeking.json()["errors"][0]["field"] == "uscc"  # refused, not ignored
        other = await c.post("/v1/assessments", json={"uscc": OTHER}, headers=ME)
        assert other.status_code == 403


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"choices": {"blockchain": ["yes"]}}, "answers.choices.blockchain", "unknown item 'blockchain'"),
        ({"choices": {"network": ["down"]}}, "answers.choices.network", "has no option 'down'"),
        ({"choices": {"funding": ["a", "b"]}}, "answers.choices.funding", "single-choice: choose one option, not 2"),
        ({"scene_levels": {"finance": 5}}, "answers.scene_levels.finance", "scene level 5 is outside 0–4"),
    ],
)
async def test_bad_answers_are_refused_naming_the_item_and_nothing_is_stored(
    body: dict[str, Any], field: str, message: str, migrated_db: MigratedDbFactory, seed: Any
) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await seed(svc, {USCC: "500103"})
        c = svc.client
        r = await c.post("/v1/assessments", json={"uscc": USCC, "answers": body}, headers=ME)
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == field
        assert message in r.json()["errors"][0]["message"]
        assert await svc.count(Assessment) == 0
        aid = (await c.post("/v1/assessments", json={"uscc": USCC}, headers=ME)).json()["assessment_id"]
        r = await c.patch(f"/v1/assessments/{aid}/answers", json={"answers": body}, headers=ME)
        assert (r.status_code, r.json()["errors"][0]["field"]) == (422, field)
        stored = (await c.get(f"/v1/assessments/{aid}", headers=ME)).json()
        assert stored["answers"] == {"choices": {}, "figures": {}, "scene_levels": {}}


async def test_bad_requests_that_are_not_answers(migrated_db: MigratedDbFactory, seed: Any) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await seed(svc, {USCC: "500103"}, {"pj_1": USCC})
        c = svc.client
        cases = [
            ({"uscc": "91350100M000100Y44"}, "uscc"),  # check character
            ({"uscc": "914403001922038216"}, "uscc"),  # not known here
            ({"uscc": USCC, "scheme_id": "iso-9001"}, "scheme_id"),
            ({"uscc": USCC, "scheme_version": 9}, "scheme_version"),
            ({"uscc": USCC, "project_id": "pj_1"}, "phase"),
            ({"uscc": USCC, "project_id": "pj_x", "phase": "T0"}, "project_id"),
            ({"uscc": USCC, "phase": "T2", "project_id": "pj_1"}, "phase"),
            (
                {"uscc": USCC, "answers": {"figures": {"production_equipment": -1}}},
                "answers.figures.production_equipment",
            ),
        ]
        for body, field in cases:
            r = await c.post("/v1/assessments", json=body)
            assert r.status_code == 422, (body, r.text)
            assert r.json()["errors"][0]["field"] == field, (body, r.json())
        assert await svc.count(Assessment) == 0
        assert (await c.get("/v1/assessments/as_nope")).status_code == 404


async def test_a_new_scheme_version_and_rescoring(migrated_db: MigratedDbFactory, db_kind: str, seed: Any) -> None:
    async with service_under_test(spec, await migrated_db(spec, db_kind)) as svc:
        await seed(svc, {USCC: "500103"})
        c = svc.client
        aid = (
            await c.post("/v1/assessments", json={"uscc": USCC, "answers": answers(BELOW_FORTY, scenes(3, 3, 2))})
        ).json()["assessment_id"]
        v1 = builtin("miit-2024", 1).model_dump(mode="json")
        # a corrected rule table: 二级 from 35 points
        v2 = {**v1, "version": 2, "levels": [{**r, "min_score": "35"} if r["level"] == 2 else r for r in v1["levels"]]}
        skipped = await c.post("/v1/schemes", json={**v2, "version": 3})
        assert (skipped.status_code, skipped.json()["errors"][0]["field"]) == (409, "version")
        broken = {**v2, "items": v2["items"][1:]}
        assert (await c.post("/v1/schemes", json=broken)).status_code == 422
        assert (await c.post("/v1/schemes", json=v2, headers=EXPERT)).status_code == 403
        assert (await c.post("/v1/schemes", json=v2)).status_code == 201
        listed = [(s["scheme_id"], s["version"]) for s in (await c.get("/v1/schemes", headers=ME)).json()]
        assert listed == [
            ("benchmark-2024", 1),
            ("lighthouse-2024", 1),
            ("miit-2022", 1),
            ("miit-2024", 1),
            ("miit-2024", 2),
        ]

        rescored = await c.post(f"/v1/assessments/{aid}/rescores", json={"scheme_version": 2})
        assert rescored.status_code == 200, rescored.text
        body = rescored.json()
        assert (body["scheme_version"], body["score"]["scheme_version"], body["score"]["level"]) == (1, 1, 1)
        assert [(r["score"]["scheme_version"], r["score"]["level"], r["score"]["total"]) for r in body["rescored"]] == [
            (2, 2, "39.875")
        ]
        again = (await c.get(f"/v1/assessments/{aid}")).json()
        assert again["score"]["level"] == 1 and len(again["rescored"]) == 1  # the original is kept
        assert (await c.post(f"/v1/assessments/{aid}/rescores", json={"scheme_version": 7})).status_code == 422
        assert (
            await c.post(f"/v1/assessments/{aid}/rescores", json={"scheme_version": 2}, headers=EXPERT)
        ).status_code == 403
        fresh = (await c.post("/v1/assessments", json={"uscc": USCC})).json()
        assert fresh["scheme_version"] == 2  # new assessments use the latest version
        old = (await c.post("/v1/assessments", json={"uscc": USCC, "scheme_id": "miit-2022"})).json()
        assert (old["scheme_id"], old["score"]["scenes"]) == ("miit-2022", [])


async def test_printable_report(migrated_db: MigratedDbFactory, seed: Any) -> None:
    async with service_under_test(spec, await migrated_db(spec, "sqlite")) as svc:
        await seed(svc, {USCC: "500103"})
        c = svc.client
        aid = (
            await c.post(
                "/v1/assessments", json={"uscc": USCC, "answers": answers(ZERO | BELOW_FORTY, scenes(3, 3, 2))}
            )
        ).json()["assessment_id"]
        r = await c.get(f"/v1/assessments/{aid}/report", headers=ME)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        html = r.text
        assert "<svg" in html and html.count("<polygon") == 5  # 4 rings and the shape
        assert "一级" in html and "39.875" in html and "总分还差0.125分" in html
        assert "数字化基础" in html and "产品设计" in html and "约束性" in html
        assert (
            await c.get(f"/v1/assessments/{aid}/report", headers=bearer(Role.ENTERPRISE, uscc=OTHER))
        ).status_code == 403


async def test_on_site_changes_are_kept_in_order(migrated_db: MigratedDbFactory, seed: Any) -> None:
    async with service_under_test(spec, await migrated_db(spec, "postgresql")) as svc:
        await seed(svc, {USCC: "500103"})
        c = svc.client
        aid = (
            await c.post(
                "/v1/assessments", json={"uscc": USCC, "answers": answers(BELOW_FORTY, scenes(3, 3, 2))}, headers=EXPERT
            )
        ).json()["assessment_id"]
        assert (
            await c.post(
                f"/v1/assessments/{aid}/submission", json={"pledge": True, "pledged_by": "李四"}, headers=EXPERT
            )
        ).status_code == 200
        for item, option, reason in [("talent", ["staff"], "有专职人员"), ("funding", ["c"], "投入占比核实为25%")]:
            r = await c.patch(
                f"/v1/assessments/{aid}/answers",
                json={"answers": {"choices": {item: option}}, "reason": reason},
                headers=EXPERT,
            )
            assert r.status_code == 200
        history = (await c.get(f"/v1/assessments/{aid}")).json()["changes"]
        assert [(h["field"], h["reason"]) for h in history] == [
            ("choices.talent", "有专职人员"),
            ("choices.funding", "投入占比核实为25%"),
        ]
        assert await svc.count(AssessmentChange) == 2
